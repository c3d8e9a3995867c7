"""Tuning runs for the `cpu` preset's final run: train with overrides, score on the test split, one JSON line per run.

    python tools/tune_cpu.py --out data/tuning/cpu.jsonl steps=2200 "steps=2200 lr=6e-4" "steps=1100 batch_size=16"

Each argument is one run: space-separated `KEY=VALUE` overrides of the `cpu` preset (as `lv-llmtime train --set`).
A run is `lv_llmtime.pipeline.train_once` (the final run's settings with the overrides, in a temporary run
folder), then `evaluate_run` on the whole test split at `--contexts`. The line appended to `--out` holds the
overrides, the resolved settings, the training wall time and tokens, the validation losses, and the test
metrics of the model and the baselines. `nbs/10_presets.ipynb` reads `data/tuning/cpu.jsonl` to show why the
preset is what it is.

One test MAE is one training run: on this task two runs with the same settings and nearly the same
validation loss can differ by a third at context 256 (a few windows with a wrong leading digit), so read the
validation loss first.
"""
import argparse, datetime, json, shlex, subprocess, sys, tempfile, time, warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def git_commit() -> str:
    "The repository's HEAD commit, with `+dirty` if the working tree has changes."
    run = lambda *a: subprocess.run(["git", *a], capture_output=True, text=True, cwd=Path(__file__).parent).stdout.strip()
    return run("rev-parse", "--short", "HEAD") + ("+dirty" if run("status", "--porcelain", "--untracked-files=no") else "")


def tune_run(overrides:str, contexts:tuple) -> dict:
    "Train the cpu preset's final run with `overrides` and score it on the test split."
    import torch
    from lv_llmtime.presets import get_preset, parse_overrides
    from lv_llmtime.pipeline import evaluate_run, train_once
    sets = parse_overrides(shlex.split(overrides))
    p = get_preset("cpu", **sets)
    with tempfile.TemporaryDirectory() as run_dir, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = time.perf_counter()
        m = train_once(p, run_dir, progress=False, log=lambda *a: None)
        train_s = time.perf_counter() - t
        log = json.loads((Path(run_dir)/"train"/"log.json").read_text())
        ev = evaluate_run(run_dir, contexts=contexts, log=lambda *a: None)
    val = {h["step"]: round(h["val_loss"], 4) for h in log["history"] if h["val_loss"] is not None}
    test = {c: {name: round(r["mae"], 4) for name, r in rows.items()} for c, rows in ev["metrics"].items()}
    by_step = {c: [round(x, 4) for x in rows["train"]["mae_by_step"]] for c, rows in ev["metrics"].items()}
    return dict(overrides=overrides, steps=p.steps, batch_size=p.batch_size, context_length=p.context_length, lr=p.lr,
                tokens=p.steps * p.batch_size * p.context_length, train_s=round(train_s), threads=torch.get_num_threads(),
                final_val_loss=m.get("final_val_loss"), val_loss=val, test_mae=test, model_mae_by_step=by_step)


def main(argv=None):
    from lv_llmtime.core import cpu_name
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="+", help='one quoted string of KEY=VALUE overrides per run, e.g. "steps=2200 lr=6e-4"')
    ap.add_argument("--out", default="data/tuning/cpu.jsonl", help="JSON lines file appended to")
    ap.add_argument("--contexts", default="128,192,256", help="test contexts (comma-separated)")
    args = ap.parse_args(argv)
    contexts = tuple(int(c) for c in args.contexts.split(","))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    commit = git_commit()  # the code these runs import, read before they start
    for overrides in args.runs:
        row = dict(tune_run(overrides, contexts), commit=commit, date=datetime.date.today().isoformat(),
                   cpu=cpu_name())
        with open(args.out, "a") as f: f.write(json.dumps(row) + "\n")
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
