"""Seconds per training step of the `small` model (the `cpu` preset's shape) under different thread settings.

    python bench/cpu_threads.py                 # 2 threads default, PASSIVE, 1 thread, 16 and 64 threads
    python bench/cpu_threads.py --busy          # the same beside one busy neighbour process

Each setting runs in a fresh process (OpenMP reads OMP_WAIT_POLICY and OMP_NUM_THREADS at start-up):
batch 8 x 256 tokens, restricted head, bf16 autocast, 60 steps with the first 10 untimed.
"""
import argparse, os, subprocess, sys

STEP = r'''
import tempfile, warnings
warnings.simplefilter("ignore")
from lv_llmtime.models import load_model
from lv_llmtime.data import load_lv, shipped_data_path, split_systems
from lv_llmtime.preprocessor import encode_batch, fit_alpha, tokenize_texts
from lv_llmtime.trainer import TrainConfig, train
traj, _ = load_lv(shipped_data_path())
tr, _, _ = split_systems(len(traj))
model, tok = load_model("small")
ids = tokenize_texts(encode_batch(traj[tr], fit_alpha(traj[tr])), tok)
cfg = TrainConfig(lr=1e-3, steps=60, batch_size=8, context_length=256, stride=64, lora_rank=0, restrict_vocab=True,
                  eval_interval=0, checkpoint_interval=10**9, checkpoint_seconds=0, log_interval=1, out_dir=tempfile.mkdtemp())
t = [h["elapsed_s"] for h in train(model, tok, ids, None, cfg, progress=False).history]
print(f"{(t[-1] - t[9]) / (len(t) - 10):.4f}")
'''

SETTINGS = {"2 threads, default wait": {}, "2 threads, OMP_WAIT_POLICY=PASSIVE": {"OMP_WAIT_POLICY": "PASSIVE"},
            "1 thread": {"OMP_NUM_THREADS": "1"}, "16 threads": {"OMP_NUM_THREADS": "16"},
            "64 threads": {"OMP_NUM_THREADS": "64"}}

def seconds_per_step(env:dict) -> float:
    "One fresh process with `env` added; its steady-state seconds per step."
    full = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "OMP_NUM_THREADS")} | env
    return float(subprocess.run([sys.executable, "-c", STEP], env=full, capture_output=True, text=True, check=True).stdout)

def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--busy", action="store_true", help="run one busy-looping neighbour process meanwhile")
    a = p.parse_args()
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if a.busy else None
    try:
        for name, env in SETTINGS.items(): print(f"{name:<36}{seconds_per_step(env):.3f} s/step", flush=True)
    finally:
        if busy: busy.kill()

if __name__ == "__main__": main()
