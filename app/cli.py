"""`strang`: serve, migrate, manage users, seed the demo."""

import getpass
import os
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from sqlmodel import Session

from app.auth import service as auth_service
from app.auth.models import Role
from app.core.db import make_engine
from app.core.migrations import is_at_head, upgrade
from app.core.settings import Settings

cli = typer.Typer(help="Strang: the field sales companion.", no_args_is_help=True)
db_cli = typer.Typer(help="Database migrations.", no_args_is_help=True)
user_cli = typer.Typer(help="User accounts.", no_args_is_help=True)


@cli.callback()
def _listening() -> None:
    # Writes from the command line reach the same listeners as the app's (app/listeners.py);
    # the features are loaded with the command, not when the command line starts.
    from app.listeners import register_listeners

    register_listeners()


cli.add_typer(db_cli, name="db")
cli.add_typer(user_cli, name="user")


@cli.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(min=1)] = 1,
    keep_alive: Annotated[
        int, typer.Option(min=1, help="Seconds an idle client connection stays open.")
    ] = 75,
) -> None:
    """Serve the app. Migrates the embedded SQLite; refuses a PostgreSQL database behind head.

    Idle connections stay open longer than a phone waits between requests and longer than a
    reverse proxy keeps idle upstream connections (nginx: 60 s), so the client side is always
    the one to close them: with uvicorn's 5 s, a request sent as the server closed the
    connection was lost ("Server disconnected without sending a response")."""
    settings = Settings()
    if workers > 1:
        _prepare_metrics_dir(settings)
    if settings.is_sqlite:
        upgrade(settings)
    else:
        engine = make_engine(settings)
        at_head = is_at_head(settings, engine)
        engine.dispose()
        if not at_head:
            typer.echo(
                "The PostgreSQL database is behind this version of Strang.\n"
                "Back it up, then run `strang db upgrade`, then start again.",
                err=True,
            )
            raise typer.Exit(code=2)
    uvicorn.run(
        "app.asgi:app",
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_config=None,  # app.asgi configures structured logging
        access_log=False,
        timeout_keep_alive=keep_alive,
    )


def _prepare_metrics_dir(settings: Settings) -> None:
    """Several workers write their metric samples here so /metrics can add them up.

    Set before uvicorn spawns the workers, which import prometheus_client afresh."""
    folder = settings.data_dir / "prometheus"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    upgrade(Settings(), revision)
    typer.echo("Database is at head.")


def _session() -> Session:
    return Session(make_engine(Settings()))


@user_cli.command("add")
def user_add(
    email: str,
    name: Annotated[str, typer.Option()],
    role: Annotated[Role, typer.Option()],
    password: Annotated[str | None, typer.Option()] = None,
    region: str = "",
    team: str = "",
) -> None:
    """Create a user; asks for the password when it is not given."""
    password = password or _ask_password()
    with _session() as session:
        try:
            auth_service.create_user(
                session,
                email=email,
                name=name,
                role=role,
                password=password,
                region=region,
                team=team,
            )
        except Exception as exc:
            typer.echo(f"Could not add {email}: {getattr(exc, 'detail', exc)}", err=True)
            raise typer.Exit(code=1) from exc
        session.commit()
    typer.echo(f"Added {role.value} {email}")


@user_cli.command("passwd")
def user_passwd(email: str, password: Annotated[str | None, typer.Option()] = None) -> None:
    """Set a user's password."""
    with _session() as session:
        user = auth_service.find_user_by_email(session, email)
        if user is None:
            typer.echo(f"No user {email}", err=True)
            raise typer.Exit(code=1)
        auth_service.set_password(session, user, password or _ask_password())
        auth_service.revoke_all_sessions(session, user.id)
        session.commit()
    typer.echo(f"Password changed for {email}; their devices must log in again.")


def _ask_password() -> str:
    first = getpass.getpass("Password: ")
    if len(first) < 8 or first != getpass.getpass("Again: "):
        typer.echo("Passwords must match and have at least 8 characters.", err=True)
        raise typer.Exit(code=1)
    return first


@cli.command()
def demo() -> None:
    """Create (idempotently) the demo accounts and demo content."""
    from app.demo import seed_demo_database

    settings = Settings()
    upgrade(settings) if settings.is_sqlite else None
    seed_demo_database(settings)
    typer.echo(
        f"Strang demo ready at {settings.base_url}\n"
        "  marketing@demo.strang / demo   (marketing console)\n"
        "  admin@demo.strang / demo       (admin)\n"
        "  rep1@demo.strang … rep3@demo.strang / demo   (rep app)"
    )


@cli.command()
def backup(path: Path) -> None:
    """Write an online backup (SQLite database, files, manifest) into the empty folder PATH."""
    from app.ops import backup as ops

    settings = Settings()
    try:
        manifest = ops.backup(settings, path)
    except ops.BackupError as exc:
        typer.echo(f"Backup failed: {exc}", err=True)
        raise typer.Exit(code=1) from exc
    typer.echo(f"Backed up {len(manifest.blobs)} files to {path}")
    if manifest.database == "sqlite":
        typer.echo(f"Database: {sum(manifest.counts.values())} rows, sha256 {manifest.db_sha256}")
    else:
        typer.echo("PostgreSQL: back up the database itself with pg_dump (restore: pg_restore):")
        for command in ops.postgres_commands(settings, path):
            typer.echo(f"  {command}")


@cli.command()
def restore(
    path: Path, force: Annotated[bool, typer.Option(help="Overwrite existing data")] = False
) -> None:
    """Check the backup in PATH, then restore it into the configured data folder."""
    from app.ops import backup as ops

    settings = Settings()
    try:
        manifest = ops.restore(settings, path, force=force)
    except ops.BackupError as exc:
        typer.echo(f"Restore failed: {exc}", err=True)
        raise typer.Exit(code=1) from exc
    typer.echo(f"Restored {len(manifest.blobs)} files (schema {manifest.schema_revision}).")
    if manifest.database == "postgresql":
        typer.echo("Now restore the database with pg_restore:")
        typer.echo(f"  {ops.postgres_commands(settings, path)[1]}")
    typer.echo("Start Strang again; `strang db upgrade` brings an older backup to this version.")


push_cli = typer.Typer(help="Web Push.", no_args_is_help=True)
cli.add_typer(push_cli, name="push")


@push_cli.command("keys")
def push_keys(
    rotate: Annotated[
        bool, typer.Option(help="Make a new key pair and drop every subscription.")
    ] = False,
) -> None:
    """Print the VAPID public key (made on first use); the private key never leaves the DB."""
    from app.push.keys import ensure_vapid_key, rotate_vapid_key

    with _session() as session:
        if rotate:
            public, dropped = rotate_vapid_key(session)
        else:
            public, dropped = ensure_vapid_key(session).public_key, -1
        session.commit()
    typer.echo(public)
    if dropped >= 0:
        typer.echo(
            f"New VAPID key pair; {dropped} subscriptions dropped "
            "(phones subscribe again at their next start).",
            err=True,
        )


def main() -> None:
    cli()


sync_cli = typer.Typer(help="Phone sync.", no_args_is_help=True)
cli.add_typer(sync_cli, name="sync")


@sync_cli.command("prune")
def sync_prune(
    days: Annotated[int, typer.Option(min=1, help="Keep the changes of this many days.")] = 180,
) -> None:
    """Delete old entries of the change log phones pull from (run it daily, e.g. from cron).

    A phone that has not synced for longer than DAYS gets a full resync on its next pull."""
    from app.changes.log import prune_changes
    from app.core.time import utcnow

    with _session() as session:
        deleted = prune_changes(session, older_than=utcnow() - timedelta(days=days))
    typer.echo(f"Pruned {deleted} changes older than {days} days.")


files_cli = typer.Typer(help="Stored files (collateral).", no_args_is_help=True)
cli.add_typer(files_cli, name="files")


@files_cli.command("prune")
def files_prune(
    hours: Annotated[
        int, typer.Option(min=1, help="Keep unnamed files stored in the last HOURS.")
    ] = 24,
) -> None:
    """Delete stored files no collateral names any more (e.g. of a deleted draft campaign).

    Files of replaced or deleted collateral stay: insights and history still name them."""
    import time

    from app.collateral.service import prune_files
    from app.core.storage import blob_storage

    with _session() as session:
        storage = blob_storage(Settings())
        deleted = prune_files(session, storage, stored_before=time.time() - hours * 3600)
    typer.echo(f"Deleted {len(deleted)} files no collateral names.")


insights_cli = typer.Typer(help="Field insights.", no_args_is_help=True)
cli.add_typer(insights_cli, name="insights")


@insights_cli.command("rebuild")
def insights_rebuild(
    refresh: Annotated[
        bool,
        typer.Option(
            help="Also re-read each outcome's region, segment and team as they are now "
            "(by default they stay as they were when the outcome was logged)."
        ),
    ] = False,
) -> None:
    """Recompute the insights aggregates from the outcomes (after a restore or a repair).

    Takes the database's write lock while it runs: on a large database, run it when quiet."""
    from app.insights.rebuild import rebuild_rollups

    with _session() as session:
        rebuild_rollups(session, refresh_facts=refresh)
        session.commit()
    typer.echo("Insights rebuilt from the outcomes.")
