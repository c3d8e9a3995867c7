"""Time the trainer and the forecaster on the real Qwen2.5-0.5B architecture (random weights, bf16) on a GPU.

    python bench/gpu_profile.py                       # on a CUDA machine: the full profile
    python bench/gpu_profile.py --model tiny --device cpu --steps 6 --batches 2 --seq-len 128 --windows 8 --forecast-batch 8   # smoke run

Reports, for LoRA training (r=8 on q/v, S=768) at a few batch sizes with the full and the restricted
vocabulary head: step time, tokens/s and model-FLOPs utilisation (MFU) = matmul FLOPs of a step, counted
by `count_flops(convention="matmul", backward="frozen")` (what the GPU really multiplies), over step time,
over the chip's dense bf16 peak (and over a measured 8192^3 bf16 matmul, the practical ceiling).
For forecasting: time-steps forecast per second on test-split windows, against a naive `model.generate`
loop (one series at a time, unconstrained) on the same windows, measured in the same run.
"""
import argparse, copy, json, os, sys, tempfile, time, warnings
from pathlib import Path
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from lv_llmtime.data import load_lv, shipped_data_path, split_systems
from lv_llmtime.preprocessor import fit_alpha, encode_batch
from lv_llmtime.flops import count_flops
from lv_llmtime.models import load_model
from lv_llmtime.trainer import TrainConfig, train
from forecast_throughput import bench as forecast_bench  # bench/ is on sys.path when run as a script

PEAK_BF16 = {"H100": 989e12, "H200": 989e12, "A100": 312e12}  # dense bf16, vendor datasheets (SXM)

def sync(device):
    if device.type == "cuda": torch.cuda.synchronize()

def matmul_ceiling(device, n=8192, reps=10) -> float:
    "Measured bf16 matmul FLOP/s on an n^3 product (the practical ceiling)."
    if device.type != "cuda": return float("nan")
    a, b = (torch.randn(n, n, device=device, dtype=torch.bfloat16) for _ in range(2))
    for _ in range(3): a @ b
    sync(device); t0 = time.perf_counter()
    for _ in range(reps): a @ b
    sync(device); return 2 * n**3 * reps / (time.perf_counter() - t0)

def peak(device) -> float:
    if device.type != "cuda": return float("nan")
    name = torch.cuda.get_device_name(device)
    return next((v for k, v in PEAK_BF16.items() if k in name), float("nan"))

def profile_training(args, base, tok, device, texts):
    rows = []
    for batch in args.batches:
        for restrict in (False, True):
            model = copy.deepcopy(base)
            cfg = TrainConfig(lr=1e-4, steps=args.steps, batch_size=batch, context_length=args.seq_len, stride=args.seq_len // 2,
                              lora_rank=8, eval_interval=0, checkpoint_interval=10**9, log_interval=max(1, args.steps // 3),
                              restrict_vocab=restrict, out_dir=tempfile.mkdtemp(), experiment="profile", autocast=True)
            res = train(model, tok, texts, None, cfg, progress=False)
            last = res.history[-1]  # averages the last third of the steps: warm-up excluded
            step_s = batch * args.seq_len / last["tokens_per_s"]
            n_rows = 13 if restrict else None
            mm = count_flops(model.config, args.seq_len, batch=batch, mode="train", lora_rank=8, convention="matmul",
                             backward="frozen", vocab_rows=n_rows).total
            mem = torch.cuda.max_memory_allocated(device) / 2**30 if device.type == "cuda" else float("nan")
            rows.append(dict(batch=batch, restrict_vocab=restrict, step_s=step_s, tokens_per_s=last["tokens_per_s"],
                             matmul_flops_per_step=mm, achieved_tflops=mm / step_s / 1e12, peak_mem_gib=mem, loss=last["train_loss"]))
            print(json.dumps(rows[-1]), flush=True)
            del model; torch.cuda.empty_cache() if device.type == "cuda" else None
            if device.type == "cuda": torch.cuda.reset_peak_memory_stats(device)
    return rows

def profile_forecast(args, model, tok, traj, test, alpha) -> dict:
    "Ours against naive `model.generate` on the same test windows: the CPU benchmark's comparison, run here."
    row = forecast_bench(model, tok, traj, test, alpha, args.seq_len, args.windows, args.horizon, args.forecast_batch)
    print(json.dumps(row), flush=True)
    return row

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="qwen2.5-0.5b-random"); p.add_argument("--device", default="cuda")
    p.add_argument("--dtype", default="bfloat16"); p.add_argument("--steps", type=int, default=30)
    p.add_argument("--seq-len", type=int, default=768); p.add_argument("--batches", type=int, nargs="+", default=[4, 16])
    p.add_argument("--horizon", type=int, default=5); p.add_argument("--windows", type=int, default=128)
    p.add_argument("--forecast-batch", type=int, default=64)
    p.add_argument("--out", default=os.environ.get("OUT", "."))
    args = p.parse_args()
    device = torch.device(args.device)
    warnings.filterwarnings("ignore")
    traj, _ = load_lv(shipped_data_path())
    train_idx, val_idx, test_idx = split_systems(len(traj))
    alpha = fit_alpha(traj[train_idx])
    texts = encode_batch(traj[train_idx], alpha)
    env = dict(torch=torch.__version__, device=torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
               peak_bf16_tflops=peak(device) / 1e12, measured_matmul_tflops=matmul_ceiling(device) / 1e12)
    print(json.dumps(env), flush=True)
    t0 = time.perf_counter()
    base, tok = load_model(args.model, device=device, dtype=args.dtype)
    env["build_s"] = time.perf_counter() - t0
    train_rows = profile_training(args, base, tok, device, texts)
    for r in train_rows:
        r["mfu_vs_peak"] = r["achieved_tflops"] * 1e12 / peak(device)
        r["mfu_vs_measured_matmul"] = r["achieved_tflops"] / env["measured_matmul_tflops"]
    fc = profile_forecast(args, base, tok, traj, test_idx, alpha)
    report = dict(env=env, train=train_rows, forecast=fc)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "gpu_profile.json").write_text(json.dumps(report, indent=1))
    print("\n| batch | restricted head | step (ms) | tokens/s | matmul TFLOP/s | MFU (peak) | MFU (measured matmul) | peak mem (GiB) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in train_rows:
        print(f"| {r['batch']} | {r['restrict_vocab']} | {1e3*r['step_s']:.1f} | {r['tokens_per_s']:.0f} | {r['achieved_tflops']:.1f} | "
              f"{r['mfu_vs_peak']:.1%} | {r['mfu_vs_measured_matmul']:.1%} | {r['peak_mem_gib']:.1f} |")
    print(f"\nforecaster, {fc['windows']} windows at context {fc['context']}, batch {args.forecast_batch}: ours {fc['ours']:.1f} "
          f"time-steps/s, naive generate {fc['naive']:.1f}, ratio {fc['ratio']:.1f}x (prefill bound {fc['bound']:.1f}x), "
          f"invalid ours {fc['ours_invalid']:.0%} / naive {fc['naive_invalid']:.0%}")

if __name__ == "__main__": main()
