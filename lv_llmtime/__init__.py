__version__ = "0.1.0"

# OpenMP threads that sleep, not spin, while they wait for work: on a CPU shared with other processes, spinning
# threads made a training step of the `small` model 7x slower (see `lv_llmtime.core`, "CPUs this process may use").
# It only takes effect if torch is imported after lv_llmtime; an explicit OMP_WAIT_POLICY is kept.
import os as _os
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
