"""``arsip`` commands of a crawl spread over several machines: ``dispatch`` schedules
each portal's crawl on a scrapyd node, ``merge`` folds the nodes' shard archives into
one archive (docs/deployment.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from arsip.cli_options import COUNT, DAYS, open_archive, wait_option, writer_lock


@click.command()
@click.argument("shards", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))  # fmt: skip
@click.option(
    "--into",
    "db_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The archive to merge into (SQLite); created when missing.",
)
@wait_option
def merge(shards: tuple[Path, ...], db_path: Path, wait: bool) -> None:
    """Merge shard archives (each written by one node of a spread crawl) into one
    archive, under the rules of a crawl: an article is known by any of its URLs, exact
    copies by their text (the earliest publication is the original), near-duplicates
    join clusters; first and last seen, revisions, raw pages, the run log and the
    crawler's memory are kept. Merging a shard again adds nothing; a merge that was
    stopped is finished by running it again. The shards are only read (one written by
    an older arsip is upgraded first). It takes the archive's writer lock: one writer
    at a time.

    \b
    Exit status: 0 done, 1 a shard or the archive cannot be used (nothing of that
    shard merged), 2 usage error, 3 another arsip command is writing to the archive:
    nothing was merged (see --wait).

    \b
    Example:
        arsip merge node1.db node2.db --into news.db
    """
    import archive
    from archive.merge import check_shard

    for shard in shards:  # every shard checked before anything is written
        try:
            check_shard(shard, db_path)
        except archive.ArchiveError as error:
            raise click.ClickException(f"{error}; nothing merged") from None
    with (
        open_archive(db_path) as arch,
        writer_lock(arch, "merge", wait=wait, refused="nothing merged"),
    ):
        for shard in shards:
            try:
                result = arch.merge(shard)
            except archive.ArchiveError as error:
                raise click.ClickException(str(error)) from None
            click.echo(result.line())


@click.command()
@click.argument("portals", nargs=-1, metavar="[PORTAL]...")
@click.option(
    "--node",
    "nodes",
    multiple=True,
    metavar="URL",
    help="A scrapyd node (http://host:6800); repeat for each. Portals are dealt to the "
    "nodes in turn, in name order. Default: the url of each deploy target in "
    "./scrapy.cfg.",
)
@click.option(
    "--shard",
    default="shards/{portal}.db",
    show_default=True,
    help="The archive each job writes on its node ({portal} and {node} are filled in; "
    "a relative path is from scrapyd's directory).",
)
@click.option("--project", default="arsip", show_default=True,
              help="The scrapyd project that runs arsip on the nodes.")  # fmt: skip
@click.option("--mirror", metavar="URL", help="Crawl the offline mirror at URL instead.")
@click.option("--max-articles", type=COUNT, help="At most this many article pages per portal.")
@click.option("--refresh-days", type=DAYS,
              help="Re-fetch archived articles first seen within this many days.")  # fmt: skip
@click.option("--wait", "wait_jobs", is_flag=True,
              help="Wait until every job has finished on its node.")  # fmt: skip
def dispatch(
    portals: tuple[str, ...],
    nodes: tuple[str, ...],
    shard: str,
    project: str,
    mirror: str | None,
    max_articles: int | None,
    refresh_days: int | None,
    wait_jobs: bool,
) -> None:
    """Schedule each PORTAL's crawl (every declared portal when none is named) on a
    scrapyd node: one `scrapy crawl PORTAL` job, writing the shard archive --shard on
    that node, which keeps the portal's crawler memory between runs. Merge the shards
    with `arsip merge` (docs/deployment.md). Prints one line per job.

    \b
    Exit status: 0 scheduled (and finished, with --wait), 1 a node cannot be reached or
    refused a job (nothing is scheduled when a node lacks a portal's spider), 2 usage
    error or an unknown portal.

    \b
    Example:
        arsip dispatch --node http://crawl1:6800 --node http://crawl2:6800
    """
    from arsip.dispatch import DispatchError, deploy_targets, dispatch, shard_path, wait_for
    from crawler.portals import all_portals

    nodes = nodes or tuple(deploy_targets())
    if not nodes:
        raise click.UsageError("no node: give --node URL, or deploy targets in ./scrapy.cfg")

    declared = sorted(all_portals())
    unknown = [p for p in portals if p not in declared]
    if unknown:
        raise click.UsageError(
            f"unknown portal {', '.join(unknown)} (declared: {', '.join(declared)})"
        )
    try:
        shard_path(shard, "portal", nodes[0])
    except ValueError as error:
        raise click.UsageError(str(error)) from None

    def said(job) -> None:
        click.echo(f"{job.portal}: {job.node} job {job.job_id} -> {job.shard}")

    try:
        jobs = dispatch(
            list(portals) or declared,
            list(nodes),
            shard=shard,
            project=project,
            mirror=mirror,
            spider_args={"max_articles": max_articles, "refresh_days": refresh_days},
            scheduled=said,
        )
        if wait_jobs:
            wait_for(jobs, project=project,
                     finished=lambda job: click.echo(f"{job.portal}: finished on {job.node}"))  # fmt: skip
    except DispatchError as error:
        click.echo(f"arsip: {error}", err=True)
        sys.exit(1)
