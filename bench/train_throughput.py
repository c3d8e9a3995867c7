"""Training throughput of `lv_llmtime.trainer.train` against Hugging Face `Trainer` + PEFT LoRA, in one run.

    python bench/train_throughput.py                                   # the pretrained sibling if installed, else:
    python bench/train_throughput.py --model qwen2.5-0.5b-random       # the 0.5B architecture, random weights
    python bench/train_throughput.py --model small-qwen-vocab --steps 30     # the old toy shape: tiny body, Qwen's head

All contestants train the same model (`--model`, any `load_model` name, built or loaded afresh with
the same weights for each), LoRA r=8 on q/v, AdamW at the same learning rate and cosine schedule, on
the same windows of LLMTime-encoded Lotka-Volterra series, with the same batch (the seed's 4),
context length, steps and precision (bf16 autocast by default, `--precision fp32` for float32):

- `hf`: `transformers.Trainer` + `peft` LoRA (full-vocabulary logits and loss, as `Qwen2ForCausalLM`
  computes them);
- `ours (full vocab)`: our trainer with `restrict_vocab=False`;
- `ours (restricted)`: our trainer with `restrict_vocab=True`: logits over the 13 LLMTime rows of the
  head only.

Throughput is tokens (padding included, as both compute it) per second of steady-state training: the
wall time from the end of step `--skip` to the end of the last step, so set-up, the first steps and
final saving are left out for both. The contestants run interleaved, `--rounds` times, in alternating
order; the median over rounds is reported. The last line is `ratio: X.XXx`, ours (restricted) over hf.
`--json FILE` also writes the settings, every round and the medians there (the notebooks' throughput
tables read the copies committed in `bench/results/`).

On the 0.5B shapes the head is about a quarter of a step, so the restricted head's gain is bounded;
on `small-qwen-vocab` (a 0.74M-parameter body under the 151,936-row head) it dominates.
"""
import argparse, statistics, sys, tempfile, time, warnings
from pathlib import Path
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from lv_llmtime.data import simulate_lv
from lv_llmtime.preprocessor import encode_batch, fit_alpha, make_windows, qwen_tokenizer, tokenize_texts
from lv_llmtime.core import write_json
from lv_llmtime.checkpoint import machine_record
from lv_llmtime.models import build_random_model, closest_offline_model, load_model, model_config
from lv_llmtime.trainer import TrainConfig, train


TOY = "small-qwen-vocab"

def bench_model(name:str):
    "A fresh copy of the benchmark's model: a `load_model` name, or TOY (the `small` body with Qwen's vocabulary)."
    if name != TOY: return load_model(name, dtype="float32")[0]
    cfg = model_config("small")
    cfg.vocab_size, cfg.bos_token_id, cfg.eos_token_id, cfg.pad_token_id = 151936, 151643, 151645, 151643
    return build_random_model(cfg, seed=0)


def make_data(tok, n_series:int, n_steps:int):
    "Token ids of LLMTime-encoded simulated series."
    traj, _ = simulate_lv(n_series, n_steps=n_steps, seed=0)
    return tokenize_texts(encode_batch(traj, fit_alpha(traj)), tok)


def steady_tokens_per_s(step_end_times:list, tokens_per_step:int, skip:int) -> float:
    "Tokens per second between the end of step `skip` and the end of the last step."
    t = step_end_times
    if len(t) <= skip + 1: raise ValueError(f"need more than {skip + 1} steps to measure, got {len(t)}")
    return tokens_per_step * (len(t) - 1 - skip) / (t[-1] - t[skip])


def run_ours(args, tok, ids, restrict:bool) -> float:
    model = bench_model(args.model)
    with tempfile.TemporaryDirectory() as out:
        cfg = TrainConfig(lr=1e-4, steps=args.steps, batch_size=args.batch_size, context_length=args.context_length,
                          stride=args.context_length // 2, lora_rank=8, schedule="cosine", warmup_steps=0, grad_clip=1.0,
                          eval_interval=0, checkpoint_interval=10**9, log_interval=1, out_dir=out, experiment="bench",
                          restrict_vocab=restrict, autocast=args.precision == "bf16")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = train(model, tok, ids, None, cfg, progress=False)
    ends = [h["elapsed_s"] for h in result.history]
    return steady_tokens_per_s(ends, args.batch_size * args.context_length, args.skip)


def run_hf(args, tok, ids) -> float:
    from peft import LoraConfig, get_peft_model
    from transformers import Trainer, TrainerCallback, TrainingArguments, default_data_collator
    model = get_peft_model(bench_model(args.model),
                           LoraConfig(r=8, lora_alpha=8, lora_dropout=0.0, target_modules=["q_proj", "v_proj"], task_type="CAUSAL_LM"))
    x, mask = make_windows(ids, args.context_length, args.context_length // 2, tok.pad_token_id)
    labels = torch.where(mask.bool(), x, -100)
    data = [dict(input_ids=a, attention_mask=m, labels=l) for a, m, l in zip(x, mask, labels)]
    ends = []
    class StepTimes(TrainerCallback):
        def on_step_end(self, *_, **__): ends.append(time.perf_counter())
    with tempfile.TemporaryDirectory() as out:
        targs = TrainingArguments(output_dir=out, per_device_train_batch_size=args.batch_size, max_steps=args.steps,
                                  learning_rate=1e-4, lr_scheduler_type="cosine", warmup_steps=0, weight_decay=0.0,
                                  max_grad_norm=1.0, bf16=args.precision == "bf16", use_cpu=not torch.cuda.is_available(),
                                  save_strategy="no", eval_strategy="no", logging_strategy="no", report_to=[],
                                  disable_tqdm=True, dataloader_num_workers=0, seed=0, remove_unused_columns=False)
        Trainer(model=model, args=targs, train_dataset=data, data_collator=default_data_collator, callbacks=[StepTimes()]).train()
    return steady_tokens_per_s(ends, args.batch_size * args.context_length, args.skip)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", default=None, help=f"a load_model name, or {TOY} (default: the pretrained GGUF sibling if its "
                   "packages are installed, else qwen2.5-0.5b-random)")
    p.add_argument("--steps", type=int, default=10, help="optimizer steps per contestant and round")
    p.add_argument("--skip", type=int, default=3, help="steps left out of the timing (warm-up)")
    p.add_argument("--rounds", type=int, default=2, help="interleaved rounds (median reported)")
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--context-length", type=int, default=256)
    p.add_argument("--precision", choices=("bf16", "fp32"), default="bf16", help="bf16 autocast (both) or float32")
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default, capped at the CPUs this process may use)")
    p.add_argument("--series", type=int, default=64, help="simulated series (100 time steps each)")
    p.add_argument("--json", default=None, help="also write the results to this JSON file")
    args = p.parse_args(argv)
    args.model = args.model or closest_offline_model()
    if args.threads > 0: torch.set_num_threads(args.threads)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tok = qwen_tokenizer()
    ids = make_data(tok, args.series, 100)
    print(f"model: {args.model}; LoRA r=8 q/v; "
          f"batch {args.batch_size} x {args.context_length} tokens; {args.steps} steps (first {args.skip} untimed); "
          f"{args.precision}; {torch.get_num_threads()} threads; {args.rounds} interleaved rounds", flush=True)
    contestants = {"hf": lambda: run_hf(args, tok, ids),
                   "ours (full vocab)": lambda: run_ours(args, tok, ids, restrict=False),
                   "ours (restricted)": lambda: run_ours(args, tok, ids, restrict=True)}
    speeds = {name: [] for name in contestants}
    for r in range(args.rounds):
        order = list(contestants) if r % 2 == 0 else list(reversed(contestants))
        for name in order:
            speeds[name].append(contestants[name]())
            print(f"  round {r + 1}: {name:<18} {speeds[name][-1]:>10,.0f} tokens/s", flush=True)
    med = {name: statistics.median(v) for name, v in speeds.items()}
    print(f"\n{'trainer':<20}{'tokens/s (median)':>20}{'vs hf':>8}")
    for name, v in med.items(): print(f"{name:<20}{v:>20,.0f}{v / med['hf']:>7.2f}x")
    print(f"\nfull head: ours / hf {med['ours (full vocab)'] / med['hf']:.2f}x")
    print(f"ratio: {med['ours (restricted)'] / med['hf']:.2f}x")
    if args.json: write_results(args, speeds, med)
    return med


def write_results(args, speeds:dict, med:dict):
    "The run's settings, machine, rounds and medians, as JSON."
    write_json(args.json, dict(bench="train_throughput", **machine_record(),
                               settings={k: v for k, v in vars(args).items() if k != "json"}, tokens_per_s=speeds, median=med,
                               full_head_ratio=med["ours (full vocab)"] / med["hf"], ratio=med["ours (restricted)"] / med["hf"]))


if __name__ == "__main__":
    main()
