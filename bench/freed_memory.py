"""Seconds of one forecasting batch with glibc's default `malloc` and with `core.keep_freed_memory`, each in a fresh process.

By default glibc hands big freed blocks back to the kernel, and a forward pass frees activations of tens of MiB
in every layer, so the next layer's blocks are faulted in again, page by page (see 00_core). `forecast` and the
trainer call `keep_freed_memory` on a CPU; `LV_LLMTIME_KEEP_FREED_MEMORY=0` turns that off, which is how the
first process here runs. Each process loads the model, warms up on two windows, then times `forecast` on the
same windows (the shipped data's test split, as in `forecast_throughput.py`) `--repeats` times, and counts its
minor page faults over the timed calls. The ratio is default seconds over kept seconds, first timed call.

    python bench/freed_memory.py                                  # random-weight 0.5B, 32 windows of 512 tokens
    python bench/freed_memory.py --model qwen2.5-coder-0.5b-instruct-q4 --repeats 2
    python bench/freed_memory.py --json bench/results/freed_memory_qwen2.5-0.5b-random.json
"""
import argparse, json, os, resource, subprocess, sys, time, warnings

def child(a) -> dict:
    "One process's run: its first and later timed calls, and its minor page faults over them."
    import torch
    from lv_llmtime.core import keep_freed_memory
    from lv_llmtime.checkpoint import use_autocast
    from lv_llmtime.forecast import forecast
    from lv_llmtime.models import load_model
    from forecast_throughput import shipped_test_windows
    warnings.simplefilter("ignore")
    model, tok = load_model(a.model, device="cpu")
    autocast = use_autocast(argparse.Namespace(autocast=True), model.device)
    hist, alpha = shipped_test_windows(tok, a.context_length, a.windows)
    run = lambda h: forecast(model, tok, h, alpha=alpha, context_length=a.context_length, batch_size=a.windows, autocast=autocast)
    run(hist[:2])  # warm-up
    faults, seconds = resource.getrusage(resource.RUSAGE_SELF).ru_minflt, []
    for _ in range(a.repeats):
        t = time.perf_counter(); run(hist); seconds.append(time.perf_counter() - t)
    return dict(kept=keep_freed_memory(), seconds=seconds,
                minor_faults=resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults, windows=len(hist))

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="qwen2.5-0.5b-random", help="load_model name (default qwen2.5-0.5b-random)")
    p.add_argument("--windows", type=int, default=32, help="test windows, forecast in one batch (default 32)")
    p.add_argument("--context-length", type=int, default=512)
    p.add_argument("--repeats", type=int, default=1, help="timed calls per process (default 1)")
    p.add_argument("--json", default=None, help="also write the results to this JSON file")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.child: return print(json.dumps(child(a)))
    args = ["--model", a.model, "--windows", str(a.windows), "--context-length", str(a.context_length),
            "--repeats", str(a.repeats)]
    rows = {}
    print(f"model {a.model}, {a.windows} windows of {a.context_length} tokens, one batch, {a.repeats} timed call(s) per process")
    print(f"{'malloc':>10}{'first call s':>14}{'later calls s':>15}{'minor faults':>14}")
    for name, keep in (("default", "0"), ("kept", "1")):
        out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True,
                             env={**os.environ, "LV_LLMTIME_KEEP_FREED_MEMORY": keep})
        if out.returncode: sys.exit(f"the {name} process failed:\n{out.stderr[-3000:]}")
        r = rows[name] = json.loads(out.stdout.strip().splitlines()[-1])
        later = f"{min(r['seconds'][1:]):.1f}" if len(r["seconds"]) > 1 else "-"
        print(f"{name:>10}{r['seconds'][0]:>14.1f}{later:>15}{r['minor_faults']:>14,}", flush=True)
    ratio = rows["default"]["seconds"][0] / rows["kept"]["seconds"][0]
    print(f"ratio: {ratio:.2f}x (default malloc over kept freed memory, first timed call)")
    if a.json:
        from lv_llmtime.checkpoint import machine_record
        from lv_llmtime.core import write_json
        write_json(a.json, dict(bench="freed_memory", **machine_record(), settings=dict(model=a.model, windows=a.windows,
                   context_length=a.context_length, repeats=a.repeats), rows=rows, ratio=ratio))

if __name__ == "__main__": main()
