"""Time the trainer and the forecaster on the real Qwen2.5-0.5B architecture (random weights, bf16) on a GPU.

    python bench/gpu_profile.py                       # on a CUDA machine: the full profile (~4 minutes)
    python bench/gpu_profile.py --model tiny --device cpu --steps 6 --windows 16   # a smoke run anywhere

Reports, for LoRA training (r=8 on q/v, S=768) at a few batch sizes with the full and the restricted
vocabulary head: step time, tokens/s and model-FLOPs utilisation (MFU) = matmul FLOPs of a step, counted
by `count_flops(convention="matmul", backward="frozen")` (what the GPU really multiplies), over step time,
over the chip's dense bf16 peak (and over a measured 8192^3 bf16 matmul, the practical ceiling).
For forecasting: time-steps forecast per second on test-split windows, against a naive `model.generate`
loop (one series at a time, unconstrained) on the same windows, measured in the same run.
"""
import argparse, copy, json, os, sys, tempfile, time, warnings
from pathlib import Path
import numpy as np, torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from lv_llmtime.data import load_lv, shipped_data_path, split_systems
from lv_llmtime.preprocessor import fit_alpha, encode_batch, tokenize_texts, forecast_prompt
from lv_llmtime.flops import count_flops
from lv_llmtime.models import load_model
from lv_llmtime.trainer import TrainConfig, train
from lv_llmtime.forecast import forecast

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

def naive_generate(model, tok, histories, alpha, horizon, context_length):
    "One series at a time, `model.generate` greedy, unconstrained: the peer."
    n_steps = 0
    for h in histories:
        ids = forecast_prompt(tokenize_texts(encode_batch(h[None], alpha), tok)[0], context_length, tok.convert_tokens_to_ids(";"))
        x = torch.tensor([ids], device=model.device)
        out = model.generate(x, attention_mask=torch.ones_like(x), max_new_tokens=horizon * 12, do_sample=False,
                             pad_token_id=tok.pad_token_id)
        n_steps += horizon
    return n_steps

def profile_forecast(args, model, tok, device, traj, test, alpha):
    origins = np.linspace(40, traj.shape[1] - args.horizon, 4).astype(int)
    hist = [traj[s, :o] for s in test for o in origins][: args.windows]
    rows = []
    for bs in args.forecast_batches:
        forecast(model, tok, hist[:bs], horizon=args.horizon, alpha=alpha, context_length=args.seq_len, batch_size=bs)  # warm-up
        sync(device); t0 = time.perf_counter()
        res = forecast(model, tok, hist, horizon=args.horizon, alpha=alpha, context_length=args.seq_len, batch_size=bs, return_details=True)
        sync(device); dt = time.perf_counter() - t0
        rows.append(dict(batch_size=bs, windows=len(hist), seconds=dt, steps_per_s=len(hist) * args.horizon / dt,
                         invalid_rate=float(res.invalid_rate), gen_flops=float(res.flops)))
        print(json.dumps(rows[-1]), flush=True)
    k = min(args.naive_windows, len(hist))
    naive_generate(model, tok, hist[:2], alpha, args.horizon, args.seq_len)  # warm-up
    sync(device); t0 = time.perf_counter()
    n = naive_generate(model, tok, hist[:k], alpha, args.horizon, args.seq_len)
    sync(device); dt = time.perf_counter() - t0
    naive = dict(windows=k, seconds=dt, steps_per_s=n / dt)
    print(json.dumps(dict(naive=naive)), flush=True)
    return rows, naive

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="qwen2.5-0.5b-random"); p.add_argument("--device", default="cuda")
    p.add_argument("--dtype", default="bfloat16"); p.add_argument("--steps", type=int, default=30)
    p.add_argument("--seq-len", type=int, default=768); p.add_argument("--batches", type=int, nargs="+", default=[4, 16])
    p.add_argument("--horizon", type=int, default=5); p.add_argument("--windows", type=int, default=400)
    p.add_argument("--forecast-batches", type=int, nargs="+", default=[64, 400]); p.add_argument("--naive-windows", type=int, default=24)
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
    fc_rows, naive = profile_forecast(args, base, tok, device, traj, test_idx, alpha)
    report = dict(env=env, train=train_rows, forecast=fc_rows, naive=naive,
                  forecast_speedup=max(r["steps_per_s"] for r in fc_rows) / naive["steps_per_s"])
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "gpu_profile.json").write_text(json.dumps(report, indent=1))
    print("\n| batch | restricted head | step (ms) | tokens/s | matmul TFLOP/s | MFU (peak) | MFU (measured matmul) | peak mem (GiB) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in train_rows:
        print(f"| {r['batch']} | {r['restrict_vocab']} | {1e3*r['step_s']:.1f} | {r['tokens_per_s']:.0f} | {r['achieved_tflops']:.1f} | "
              f"{r['mfu_vs_peak']:.1%} | {r['mfu_vs_measured_matmul']:.1%} | {r['peak_mem_gib']:.1f} |")
    print("\n| forecaster batch | windows | time-steps/s | invalid |\n|---|---|---|---|")
    for r in fc_rows: print(f"| {r['batch_size']} | {r['windows']} | {r['steps_per_s']:.1f} | {r['invalid_rate']:.3f} |")
    print(f"| naive generate, 1 at a time | {naive['windows']} | {naive['steps_per_s']:.1f} | (unconstrained) |")
    print(f"\nforecaster speed-up over naive generate: {report['forecast_speedup']:.1f}x")

if __name__ == "__main__": main()
