"""Score the final models of several run folders on the same windows: the test systems all of them held out.

    python tools/compare_runs.py runs/cpu runs/qwen-cpu                  # our protocol at context 256
    python tools/compare_runs.py runs/cpu runs/qwen-cpu --contexts 128,256 --protocol steps

Two studies rarely share a test split: the `cpu` preset splits the systems by a seeded permutation,
`qwen-cpu` as the seed study did. Each model is scored only on the systems that are in every run's test
split (so no model has trained on them), on the same (system, origin) windows under our protocol, against
the truth in original units; each model decodes with its own preset's settings and its own scale. The
baselines see the history the first run's model sees. Nothing is charged to the runs' ledgers: the
FLOPs column says what each evaluation cost.
"""
import argparse, contextlib, sys, warnings
from pathlib import Path
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from lv_llmtime.checkpoint import load_checkpoint
from lv_llmtime.evaluation import evaluate, evaluate_baselines, results_table
from lv_llmtime.pipeline import Study, trained_weights
from lv_llmtime.presets import forecast_settings
from lv_llmtime.runfolder import opened


def shared_test_systems(studies:list) -> np.ndarray:
    "System indices in every study's test split."
    systems = studies[0].data.test
    for s in studies[1:]: systems = np.intersect1d(systems, s.data.test)
    if not len(systems): raise SystemExit("the runs' test splits have no system in common")
    return np.sort(systems)


def score_final(study:Study, systems:np.ndarray, contexts:list[int], protocol:str) -> dict:
    "Metrics of a study's final model on `systems`, by context."
    p = study.preset
    model, tok = study.model()
    load_checkpoint(model, trained_weights(study, "final"))
    kw = forecast_settings(p, model.device)
    if protocol == "seed": kw = {k: v for k, v in kw.items() if k not in ("num_samples", "temperature", "seed")}
    return {ctx: evaluate(model, tok, study.data.trajectories, systems, ctx, horizon=p.horizon, alpha=study.data.alpha,
                          decimals=p.decimals, protocol=protocol, **kw) for ctx in contexts}

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="+", help="run folders with a finished final stage")
    ap.add_argument("--contexts", default="256", help="context lengths, comma-separated (default 256)")
    ap.add_argument("--protocol", choices=("steps", "seed"), default="steps",
                    help="steps (ours; the same windows for every model) or seed (windows cut from each model's text)")
    a = ap.parse_args(argv)
    warnings.simplefilter("ignore")
    contexts = [int(c) for c in a.contexts.split(",")]
    with contextlib.ExitStack() as stack:  # every run folder locked and checked while its model is scored
        runs = [stack.enter_context(opened(r)) for r in a.runs]
        studies = [Study(r.preset(), r.root, progress=False, log=lambda *_: None) for r in runs]
        systems = shared_test_systems(studies)
        print(f"{len(systems)} test systems held out by every run: {', '.join(map(str, systems))}")
        scores = {f"{s.preset.name} ({s.preset.model})": score_final(s, systems, contexts, a.protocol) for s in studies}
        first = studies[0]
        for ctx in contexts:
            rows = {name: by_context[ctx] for name, by_context in scores.items()}
            rows |= evaluate_baselines(first.data.trajectories, systems, ctx, horizon=first.preset.horizon,
                                       alpha=first.data.alpha, decimals=first.preset.decimals, protocol=a.protocol)
            print(f"\ncontext {ctx}, protocol {a.protocol}:\n\n{results_table(rows)}")

if __name__ == "__main__":
    main()
