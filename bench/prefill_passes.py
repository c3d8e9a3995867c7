"""Seconds of one forecasting batch against the size of its prefill passes (`decode_batch(prefill_tokens=...)`).

On a CPU `forecast` reads a batch's prompts in passes of about `forecast.CPU_PREFILL_TOKENS` tokens, one cache each,
stacked for decoding. This script times the same batch (the shipped data's first test windows, the grammar's whole
output) with every prompt in one pass and with passes of a few sizes, on the same model and precision, and ends
with the ratio of one pass's time to the default's:

    python bench/prefill_passes.py                                     # the pretrained sibling if installed, 32 prompts of 512 tokens
    python bench/prefill_passes.py --model qwen2.5-0.5b-random --json bench/results/prefill_passes_qwen2.5-0.5b-random.json
    python bench/prefill_passes.py --context-length 128 --passes 1024 2048 4096
"""
import argparse, time, warnings
import torch
from lv_llmtime.core import write_json
from lv_llmtime.checkpoint import bf16_weights, machine_record, use_autocast
from lv_llmtime.forecast import CPU_PREFILL_TOKENS, LLMTimeGrammar, decode_batch, default_max_int_digits, prompt_ids
from lv_llmtime.models import closest_offline_model, load_model
from lv_llmtime.preprocessor import LLMTimeFormat, alphabet_ids
from forecast_throughput import shipped_test_windows  # the same windows as the forecast bench

def batch_seconds(model, tok, prompts:list, grammar:LLMTimeGrammar, prefill_tokens:int, autocast:bool) -> float:
    "Wall seconds of `decode_batch` on `prompts` with prefill passes of `prefill_tokens` tokens."
    rows = alphabet_ids(tok, grammar.fmt.alphabet)
    amp = torch.autocast(model.device.type, dtype=torch.bfloat16, enabled=autocast)
    with amp, bf16_weights(model, enabled=autocast, only_frozen=False):
        t = time.perf_counter()
        decode_batch(model, prompts, grammar, rows, tok.pad_token_id, prefill_tokens=prefill_tokens)
        return time.perf_counter() - t

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=None, help="load_model name (default: the pretrained GGUF sibling if installed, "
                   "else qwen2.5-0.5b-random)")
    p.add_argument("--windows", type=int, default=32, help="prompts in the batch (default 32)")
    p.add_argument("--context-length", type=int, default=512)
    p.add_argument("--passes", type=int, nargs="+", default=[1024, CPU_PREFILL_TOKENS, 4096], help="tokens per pass to time")
    p.add_argument("--json", default=None, help="also write the results to this JSON file")
    a = p.parse_args(argv)
    a.model = a.model or closest_offline_model()
    warnings.simplefilter("ignore")
    model, tok = load_model(a.model)
    autocast = use_autocast(argparse.Namespace(autocast=True), model.device)
    hist, alpha = shipped_test_windows(tok, a.context_length, a.windows)
    fmt = LLMTimeFormat()
    prompts = prompt_ids(hist, alpha, a.context_length, fmt, tok)
    grammar = LLMTimeGrammar(fmt, 5, default_max_int_digits(hist, alpha, fmt))
    one_pass = len(prompts) * max(map(len, prompts))
    batch_seconds(model, tok, prompts[:2], grammar, one_pass, autocast)  # warm up
    print(f"model {a.model}, {len(prompts)} prompts of up to {max(map(len, prompts))} tokens, {grammar.max_tokens} new tokens, "
          f"{'bf16 autocast' if autocast else 'float32'}, {torch.get_num_threads()} threads")
    rows = []
    for tokens in [one_pass, *a.passes]:
        rows.append(dict(prefill_tokens=tokens, seconds=batch_seconds(model, tok, prompts, grammar, tokens, autocast)))
        print(f"{'one pass' if tokens == one_pass else f'passes of {tokens} tokens':>26}: {rows[-1]['seconds']:6.1f} s", flush=True)
    default = next((r for r in rows if r["prefill_tokens"] == CPU_PREFILL_TOKENS), None)
    ratio = rows[0]["seconds"] / default["seconds"] if default else None
    if ratio: print(f"ratio: {ratio:.2f}x (one pass over passes of {CPU_PREFILL_TOKENS} tokens)")
    if a.json:
        write_json(a.json, dict(bench="prefill_passes", **machine_record(), precision="bf16" if autocast else "fp32",
                                settings={k: v for k, v in vars(a).items() if k != "json"}, rows=rows, ratio=ratio))
    return rows

if __name__ == "__main__": main()
