"""Time-steps forecast per second: our batched, KV-cached, grammar-constrained `forecast` against a naive loop.

The naive peer is what one would write first: `model.generate` on one series at a time, greedy,
unconstrained, asked for as many new tokens as `horizon` steps can take (the grammar's longest
output), on the same model and the same windows (the shipped data's test split, default origins).
Both forecast `windows * horizon` time steps.

Both must run the same prompts through the model once (the prefill), so the speed-up is bounded
by naive time / naive prefill time; the script measures that bound too (`prefill bound`) for the naive
loop's own prefill. Ours does less than that prefill: it runs the last layer's MLP and output projection at each
prompt's last position only (`models.last_position_only`), skips the causally masked blocks of attention
(`models.fast_attention`) and multiplies by weights packed once into oneDNN's layout (`models.packed_linears`),
so on a CPU it can pass that bound. On a
CPU with long prompts the prefill is a large share of the work; with short prompts, or on a GPU,
where a batch-1 decoding step costs about as much as a batch-32 one, the ratio grows.

    python bench/forecast_throughput.py                          # the pretrained sibling if installed, 32 windows, contexts 128, 512
    python bench/forecast_throughput.py --model qwen2.5-0.5b-random   # the real architecture with random weights
    python bench/forecast_throughput.py --model small             # the cpu preset's 0.74M-parameter model
    python bench/forecast_throughput.py --threads 1              # on a shared CPU one thread is faster for small models
    python bench/forecast_throughput.py --context-length 768 --windows 32
    python bench/forecast_throughput.py --precision fp32         # float32 for both (default: bf16 autocast where it pays)

Both contestants run at the same precision: under bf16 autocast where the device has fast bf16
kernels (CUDA, or a CPU with AVX512-BF16/AMX: `checkpoint.cpu_has_native_bf16`), else in float32.
Under autocast the same numbers are multiplied, but not the same way: `generate` casts every float32
weight to bf16 at every call, so at every token, while `forecast` casts them once per call
(`checkpoint.bf16_weights`). `--precision fp32` compares the two with no cast at all. On a CPU, `forecast` makes glibc keep the memory
the process frees (`core.keep_freed_memory`) at its first call, the warm-up, so the naive loop runs with the
same allocator settings (`bench/freed_memory.py` measures what they are worth).
`--json FILE` also writes the settings and every row there (the notebooks read the copies in `bench/results/`).
"""
import argparse, time, warnings
import numpy as np
import torch
from lv_llmtime.data import load_lv, shipped_data_path, split_systems
from lv_llmtime.forecast import LLMTimeGrammar, default_max_int_digits, forecast, prompt_ids, parse_forecasts
from lv_llmtime.evaluation import eval_windows
from lv_llmtime.core import write_json
from lv_llmtime.checkpoint import machine_record, use_autocast
from lv_llmtime.models import closest_offline_model, load_model
from lv_llmtime.preprocessor import LLMTimeFormat, fit_alpha

def naive_forecast(model, tokenizer, prompts:list[list[int]], n_new:int, time_limit_s:float|None=None) -> list[str]:
    "One `model.generate` call per prompt, greedy, no grammar, exactly `n_new` new tokens; returns the texts (fewer if cut at `time_limit_s`)."
    texts, t0 = [], time.perf_counter()
    for ids in prompts:
        if texts and time_limit_s is not None and time.perf_counter() - t0 > time_limit_s: break
        x = torch.tensor([ids], device=model.device)
        out = model.generate(x, attention_mask=torch.ones_like(x), max_new_tokens=n_new, min_new_tokens=n_new,
                             do_sample=False, pad_token_id=tokenizer.pad_token_id)
        texts.append(tokenizer.decode(out[0, len(ids):], skip_special_tokens=True))
    return texts

@torch.no_grad()
def prefill_only(model, prompts:list[list[int]]):
    "The forward pass over each prompt alone: work that any forecaster of these prompts must do."
    for ids in prompts: model(torch.tensor([ids], device=model.device), logits_to_keep=1)

def timed(f):
    if torch.cuda.is_available(): torch.cuda.synchronize()
    t = time.perf_counter(); out = f()
    if torch.cuda.is_available(): torch.cuda.synchronize()
    return out, time.perf_counter() - t

def shipped_test_windows(tok, context_length:int, windows:int, horizon:int=5) -> tuple[list, float]:
    "The first `windows` histories of the shipped data's test split at `context_length`, and the training split's alpha."
    traj, _ = load_lv(shipped_data_path())
    train, _, test = split_systems(len(traj))
    alpha = fit_alpha(traj[train])
    return eval_windows(traj, test, context_length, horizon, alpha=alpha, tokenizer=tok).histories[:windows], alpha

def bench(model, tok, hist:list, alpha:float, context_length, horizon, batch_size, naive_time_limit_s=None, autocast=False) -> dict:
    "Time ours and the naive loop on the same windows (the naive one on the first ones only if cut at `naive_time_limit_s`); steps/s, ratio, prefill bound."
    fmt = LLMTimeFormat()
    prompts = prompt_ids(hist, alpha, context_length, fmt, tok)
    n_new = LLMTimeGrammar(fmt, horizon, default_max_int_digits(hist, alpha, fmt)).max_tokens
    kw = dict(horizon=horizon, alpha=alpha, context_length=context_length, batch_size=batch_size, autocast=autocast)
    same_precision = lambda: torch.autocast(model.device.type, dtype=torch.bfloat16, enabled=autocast)  # for the naive loop
    forecast(model, tok, hist[:2], **kw)  # warm up
    with same_precision(): naive_forecast(model, tok, prompts[:1], n_new)
    ours, t_ours = timed(lambda: forecast(model, tok, hist, return_details=True, **kw))
    with same_precision(): texts, t_naive = timed(lambda: naive_forecast(model, tok, prompts, n_new, naive_time_limit_s))
    n = len(texts)  # windows the naive loop did: all of them unless cut
    with same_precision(): _, t_prefill = timed(lambda: prefill_only(model, prompts[:n]))
    _, valid = parse_forecasts(texts, alpha, horizon, 2, fmt)
    return dict(context=context_length, windows=len(hist), ours=len(hist) * horizon / t_ours, naive=n * horizon / t_naive,
                ratio=(t_naive / n) / (t_ours / len(hist)), bound=t_naive / t_prefill, ours_invalid=ours.invalid_rate,
                naive_invalid=1 - valid.mean(), t_ours=t_ours, t_naive=t_naive, naive_windows=n)

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=None, help="load_model name (default: the pretrained GGUF sibling if its packages are "
                   "installed, else qwen2.5-0.5b-random)")
    p.add_argument("--windows", type=int, default=32, help="test windows forecast by both (default 32)")
    p.add_argument("--horizon", type=int, default=5)
    p.add_argument("--context-length", type=int, nargs="+", default=[128, 512])
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    p.add_argument("--device", default=None)
    p.add_argument("--precision", choices=("bf16", "fp32"), default=None,
                   help="bf16 autocast or float32, for both (default: bf16 where the device has fast bf16 kernels)")
    p.add_argument("--json", default=None, help="also write the results to this JSON file")
    p.add_argument("--naive-time-limit", type=float, default=300, help="seconds of the naive loop per context; it then stops and is timed per window (default 300)")
    a = p.parse_args(argv)
    a.model = a.model or closest_offline_model()
    if a.threads: torch.set_num_threads(a.threads)
    warnings.simplefilter("ignore")
    model, tok = load_model(a.model, device=a.device)
    where_it_pays = use_autocast(argparse.Namespace(autocast=True), model.device)
    autocast = {"bf16": True, "fp32": False, None: where_it_pays}[a.precision]
    print(f"model {a.model} on {model.device} ({torch.get_num_threads()} threads), horizon {a.horizon}, batch {a.batch_size}, "
          f"{'bf16 autocast' if autocast else 'float32'} for both")
    print(f"{'context':>8}{'windows':>8}{'ours steps/s':>14}{'naive steps/s':>15}{'ratio':>8}{'prefill bound':>15}{'invalid ours/naive':>20}")
    rows = []
    for ctx in a.context_length:
        hist, alpha = shipped_test_windows(tok, ctx, a.windows, a.horizon)
        r = bench(model, tok, hist, alpha, ctx, a.horizon, a.batch_size, a.naive_time_limit, autocast); rows.append(r)
        print(f"{r['context']:>8}{r['windows']:>8}{r['ours']:>14.1f}{r['naive']:>15.1f}{r['ratio']:>7.1f}x{r['bound']:>14.1f}x"
              f"{r['ours_invalid']:>11.0%} / {r['naive_invalid']:.0%}"
              + (f"  (naive loop stopped after {r['naive_windows']} windows)" if r['naive_windows'] < r['windows'] else ""), flush=True)
    print(f"ratio: {min(r['ratio'] for r in rows):.2f}x (the lowest over contexts {', '.join(str(r['context']) for r in rows)})")
    if a.json:
        write_json(a.json, dict(bench="forecast_throughput", **machine_record(), precision="bf16" if autocast else "fp32",
                                settings={k: v for k, v in vars(a).items() if k != "json"}, rows=rows,
                                ratio=min(r["ratio"] for r in rows)))
    return rows

if __name__ == "__main__": main()
