"""The machine a benchmark ran on, for its JSON result."""

import platform
from pathlib import Path


def cpu_model() -> str:
    """The processor's model name where the system tells it (Linux), else the machine type."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
