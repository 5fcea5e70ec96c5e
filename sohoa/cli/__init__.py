"""The ``sohoa`` console command.

Subcommands live one per module in this package and are loaded lazily, so a
command's heavy imports (OpenCV, FastAPI, Celery) cost nothing to the others.
Errors of the ``SohoaError`` hierarchy are translated to exit codes here and
nowhere else: 0 all went well, 1 some inputs were rejected or a step failed,
2 bad usage.
"""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Any

import click

from sohoa.errors import SohoaError

log = logging.getLogger(__name__)

#: command name -> "module:attribute" of a click command in this package
COMMANDS: dict[str, str] = {
    "run": "sohoa.cli.run:run",
    "inspect": "sohoa.cli.inspect:inspect_cmd",
    "ocr": "sohoa.cli.ocr:ocr_cmd",
    "samples": "sohoa.cli.samples:samples",
    "export": "sohoa.cli.export:export",
    "eval": "sohoa.cli.eval:eval_cmd",
    "calibrate": "sohoa.cli.calibrate:calibrate",
    "electronic": "sohoa.cli.electronic:electronic",
    "report": "sohoa.cli.report:report",
    "serve": "sohoa.cli.serve:serve",
    "users": "sohoa.cli.users:users",
    "approve": "sohoa.cli.publish:approve",
    "publish": "sohoa.cli.publish:publish",
    "verify": "sohoa.cli.publish:verify",
    "watch": "sohoa.cli.watch:watch",
    "worker": "sohoa.cli.worker:worker",
    "status": "sohoa.cli.status:status",
    "db": "sohoa.cli.db:db",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported only when used or listed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if self._load(name, quiet=True) is not None)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name, quiet=False)

    @staticmethod
    def _load(name: str, *, quiet: bool) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as e:
            if e.name == module_name:
                return None  # command not built yet
            raise
        command: click.Command = getattr(module, attr)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.version_option(package_name="sohoa")
def cli(verbose: int) -> None:
    """sohoa: turn scanned vehicle-registration dossiers into checked records."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI, translating sohoa's errors into exit codes.

    A command signals partial failure with ``ctx.exit(1)``; its exit code is
    returned here.
    """
    try:
        result: Any = cli.main(args=argv, standalone_mode=False)
        return result if isinstance(result, int) else 0
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as e:
        e.show()
        sys.exit(2 if isinstance(e, click.UsageError) else e.exit_code)
    except SohoaError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(e.exit_code)
