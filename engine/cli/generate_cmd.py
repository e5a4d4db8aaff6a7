"""`onewindow generate`: write a synthetic province (模拟省) of a chosen size as `.ow` files."""

from __future__ import annotations

from typing import Annotated

import typer

from onewindow.engine.cli.common import UserError, console, report_user_error
from onewindow.engine.generate import GenerateError, ProvinceSpec, generate


def _count(help_text: str, least: int = 1):
    return typer.Option(min=least, max=100_000, help=help_text)


def register(app: typer.Typer) -> None:
    @app.command("generate")
    def generate_command(
        out_dir: Annotated[str, typer.Argument(help="Folder to create (must be new or empty).")],
        districts: Annotated[int, _count("Districts in the province.")] = 100,
        towns_per_district: Annotated[int, _count("Towns (镇街) per district.")] = 20,
        villages_per_town: Annotated[int, _count("Villages (村居) per town.", 0)] = 35,
        matters: Annotated[int, _count("Matters (事项) each district declares.")] = 12,
        cities: Annotated[
            int | None,
            typer.Option(min=1, help="Cities grouping the districts (default: one per ten)."),
        ] = None,
        seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same files.")] = 0,
        force: Annotated[
            bool, typer.Option("--force", help="Replace OUT_DIR if it is not empty.")
        ] = False,
    ) -> None:
        """Generate a synthetic province that checks clean, for benchmarks and trials."""
        try:
            spec = ProvinceSpec(
                districts=districts,
                towns_per_district=towns_per_district,
                villages_per_town=villages_per_town,
                matters=matters,
                cities=cities,
                seed=seed,
            )
        except ValueError as exc:
            report_user_error(UserError(str(exc), "see onewindow generate --help"))
        try:
            size = generate(out_dir, spec, force=force)
        except GenerateError as exc:
            report_user_error(UserError(exc.message, exc.hint))
        towns = spec.districts * spec.towns_per_district
        console.print(
            f"[green]✓[/] {out_dir}: {spec.jurisdiction_count} jurisdictions "
            f"({spec.districts} districts, {towns} towns, {towns * spec.villages_per_town} "
            f"villages), {size / 1e6:.1f} MB; check it with: onewindow check {out_dir}"
        )
