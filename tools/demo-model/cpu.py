"""CPU settings every training and evaluation script applies before its first tensor.

glibc returns each large freed block (a tensor above the mmap threshold) to the kernel and maps it anew on the next
allocation, so every training step page-faults its activations and gradients back in: a fifth of a training run's
CPU time (a third of a bare step's) went to the kernel. Keeping freed memory in the process instead cut a step of the
demo model's size from 2055 ms to 526 ms (one thread, batch 32 x 72 tokens; the arithmetic, and so every weight and
result, is unchanged)."""
import ctypes

_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3


def keep_freed_memory():
    """Serve large tensors from the heap and keep what is freed (peak memory is held, about 1.2 GB for training)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: nothing to tune
        return False
    return all(libc.mallopt(p, v) == 1 for p, v in ((_M_MMAP_THRESHOLD, 1 << 30), (_M_TRIM_THRESHOLD, 1 << 30),
                                                    (_M_TOP_PAD, 1 << 28)))
