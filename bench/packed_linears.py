"""Forecasting with the linear layers' weights packed once into oneDNN's layout (`models.packed_linears`) against
plain `F.linear`.

At a decoding step each linear layer multiplies one row per sequence by its whole weight. For so few rows,
PyTorch's CPU `F.linear` lets oneDNN reorder the weight into its blocked layout at every call; `forecast`
reorders every weight once per batch instead, before the prompts, whose products gain too (see 03_models).
Two measurements, both in this one process and on the same model, at the precision `forecast` uses (bf16
autocast where the CPU has fast bf16 kernels):

- **one decoding step's products:** every linear layer of the decoder in order, `--windows` rows each, plain and
  packed, alternated `--repeats` times (the fastest of each is kept), and whether the outputs are the same bits;
- **`forecast`:** prompts and decoding, on the same windows (the shipped data's test split, as in
  `forecast_throughput.py`), with `packed_linears` and with it replaced by a no-op, alternated, and whether the
  forecasts are identical.

    python bench/packed_linears.py                           # random-weight 0.5B, 32 windows of 128 tokens
    python bench/packed_linears.py --model qwen2.5-coder-0.5b-instruct-q4
    python bench/packed_linears.py --json bench/results/packed_linears_qwen2.5-0.5b-random.json

The last line, `ratio:`, is `forecast`'s seconds without packing over its seconds with it.
"""
import argparse, contextlib, time, warnings
import numpy as np
import torch
import lv_llmtime.forecast as fc
from lv_llmtime.checkpoint import bf16_weights, machine_record, use_autocast
from lv_llmtime.core import write_json
from lv_llmtime.models import load_model, packed_linears
from forecast_throughput import shipped_test_windows

def seconds(f) -> float:
    "Wall seconds of one call of `f`."
    t = time.perf_counter(); f()
    return time.perf_counter() - t

@torch.no_grad()
def step_products(model, rows:int, repeats:int) -> dict:
    "Seconds of one decoding step's linear products, plain and packed, and whether they give the same bits."
    layers = [m for m in model.get_decoder().modules() if type(m) is torch.nn.Linear]
    xs = [torch.randn(rows, 1, m.in_features, generator=torch.Generator().manual_seed(i)) for i, m in enumerate(layers)]
    xs = [x.to(torch.get_autocast_dtype("cpu")) if torch.is_autocast_enabled("cpu") else x for x in xs]
    run = lambda: [m(x) for m, x in zip(layers, xs)]
    plain_out = run()
    with packed_linears(model.get_decoder(), rows): packed_out = run()
    same = all(torch.equal(a, b) for a, b in zip(plain_out, packed_out))
    plain, packed = [], []
    for _ in range(repeats):
        plain.append(seconds(run))
        with packed_linears(model.get_decoder(), rows): packed.append(seconds(run))
    return dict(layers=len(layers), plain=min(plain), packed=min(packed), same_bits=same)

def forecasts(model, tok, hist, alpha, context_length:int, autocast:bool, repeats:int) -> dict:
    "Seconds of `forecast` on `hist` with and without `packed_linears`, and whether the forecasts agree."
    run = lambda: fc.forecast(model, tok, hist, alpha=alpha, context_length=context_length, batch_size=len(hist),
                              autocast=autocast)
    packed_linears_, times = fc.packed_linears, dict(plain=[], packed=[])
    run()  # warm-up: the first full batch of a process is slower
    outs = {}
    for _ in range(repeats):
        for name in ("plain", "packed"):
            fc.packed_linears = packed_linears_ if name == "packed" else (lambda module, rows: contextlib.nullcontext(module))
            try:
                t = time.perf_counter(); outs[name] = run()
                times[name].append(time.perf_counter() - t)
            finally: fc.packed_linears = packed_linears_
    return dict(plain=min(times["plain"]), packed=min(times["packed"]),
                identical=bool(np.array_equal(outs["plain"], outs["packed"], equal_nan=True)))

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="qwen2.5-0.5b-random", help="load_model name (default qwen2.5-0.5b-random)")
    p.add_argument("--windows", type=int, default=32, help="test windows, forecast in one batch (default 32)")
    p.add_argument("--context-length", type=int, default=128, help="prompt tokens (default 128: mostly decoding)")
    p.add_argument("--repeats", type=int, default=3, help="alternated timings of each (default 3; the fastest is kept)")
    p.add_argument("--json", default=None, help="also write the results to this JSON file")
    a = p.parse_args(argv)
    warnings.simplefilter("ignore")
    model, tok = load_model(a.model, device="cpu")
    autocast = use_autocast(argparse.Namespace(autocast=True), model.device)
    hist, alpha = shipped_test_windows(tok, a.context_length, a.windows)
    print(f"model {a.model} on cpu ({torch.get_num_threads()} threads), {'bf16 autocast' if autocast else 'float32'}, "
          f"{len(hist)} windows of {a.context_length} tokens")
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast), bf16_weights(model, enabled=autocast, only_frozen=False):
        step = step_products(model, len(hist), a.repeats)
    print(f"one decoding step's {step['layers']} linear products, {len(hist)} rows: plain {step['plain'] * 1e3:.1f} ms, "
          f"packed {step['packed'] * 1e3:.1f} ms ({step['plain'] / step['packed']:.2f}x), same bits: {step['same_bits']}")
    fcst = forecasts(model, tok, hist, alpha, a.context_length, autocast, a.repeats)
    ratio = fcst["plain"] / fcst["packed"]
    print(f"forecast: plain {fcst['plain']:.1f} s, packed {fcst['packed']:.1f} s, identical forecasts: {fcst['identical']}")
    print(f"ratio: {ratio:.2f}x (forecast without packing over with it, fastest of {a.repeats})")
    if a.json:
        write_json(a.json, dict(bench="packed_linears", **machine_record(), precision="bf16" if autocast else "fp32",
                                settings=dict(model=a.model, windows=len(hist), context_length=a.context_length,
                                              repeats=a.repeats), step=step, forecast=fcst, ratio=ratio))

if __name__ == "__main__": main()
