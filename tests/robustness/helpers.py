"""Helpers of the robustness tests: write a tree, run the real command under resource limits."""

from __future__ import annotations

import os
import resource
import signal
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path

import typer
from typer.testing import CliRunner

from onewindow.dsl.check import check
from onewindow.dsl.load import ParseCache
from onewindow.engine.cli import sim_cmd
from onewindow.engine.cli.main import main

#: Address space a command under test may add: "bounded memory" means it fits in this.
MEMORY_LIMIT = 1024 * 1024 * 1024
#: A hang guard, not a speed requirement: a command still running after this is stuck.
HANG_GUARD_S = 600


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write files (text as UTF-8, bytes as is) under `root` with its `onewindow.toml`."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "onewindow.toml").write_text("# root\n", encoding="utf-8")
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return root


def found(root: Path) -> list[tuple[str, str, int, int]]:
    """(code, file name, line, column) of every diagnostic of checking `root`."""
    result = check([root], cache=ParseCache())
    return [
        (d.code, Path(d.span.file).name, d.span.line, d.span.column) for d in result.diagnostics
    ]


@dataclass
class Ran:
    """What a command printed and how it ended."""

    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def _vm_size() -> int:
    """This process's current address space in bytes (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def onewindow(*args: str) -> Ran:
    """Run `onewindow ARGS` as a user would, in a forked child whose memory is capped.

    The child shares the modules already imported here (no start-up cost), may grow by at
    most `MEMORY_LIMIT` bytes of address space, and is killed after `HANG_GUARD_S`.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:  # the child: never returns to pytest
            code = 70
            try:
                limit = _vm_size() + MEMORY_LIMIT
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
                signal.alarm(HANG_GUARD_S)
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
                sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
                os.environ["COLUMNS"] = "120"
                sys.argv = ["onewindow", *args]
                try:
                    main()
                    code = 0
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else 1
                except BaseException:
                    traceback.print_exc()
                    code = 70
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        out.seek(0)
        err.seek(0)
        code = os.waitstatus_to_exitcode(status)
        return Ran(
            code, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
        )


def _sim_app() -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False)
    sim_cmd.register(app)

    @app.command("version")  # a second command so Typer keeps the command names
    def version() -> None:
        """Unused."""

    return app


SIM_APP = _sim_app()


def invoke_sim(*args: str):
    """Run `simulate`/`runs` in process; an unexpected exception fails loudly, never a traceback."""
    result = CliRunner().invoke(SIM_APP, list(args), env={"COLUMNS": "200"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.output
    return result
