"""Spreading portals' crawls over scrapyd nodes (``arsip dispatch``).

Each node runs scrapyd with arsip installed (its ``scrapyd.conf`` names the project:
``[settings] arsip = crawler.settings``, see docs/deployment.md). A portal's crawl is one
scrapyd job (``schedule.json``): ``scrapy crawl PORTAL`` on its node, with the shard
archive it writes as the ``ARSIP_DB`` setting. Portals are spread over the nodes in
turn, in name order, so that the same portals and nodes always give the same
assignment and each portal's crawler memory stays in its node's shard. Only the
standard library talks to scrapyd: its JSON API is a few form posts.
"""

from __future__ import annotations

import configparser
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.times import utc_now

PROJECT = "arsip"
"""The scrapyd project name arsip's nodes declare."""
SHARD = "shards/{portal}.db"
"""Default shard path on a node (relative paths: from scrapyd's directory)."""


class DispatchError(Exception):
    """A node could not be reached, or refused a job."""


@dataclass(frozen=True)
class Job:
    portal: str
    node: str
    shard: str
    job_id: str


def deploy_targets(config: str | Path = "scrapy.cfg") -> list[str]:
    """The node URLs of the deploy targets (``[deploy]``, ``[deploy:NAME]``, scrapyd-
    client's) in the Scrapy project file ``config``; empty when it has none."""
    parser = configparser.ConfigParser()
    parser.read(config, encoding="utf-8")
    return [
        parser[section]["url"]
        for section in parser.sections()
        if (section == "deploy" or section.startswith("deploy:")) and parser[section].get("url")
    ]


def assign(portals: Sequence[str], nodes: Sequence[str]) -> list[tuple[str, str]]:
    """(portal, node) pairs: the portals in name order, dealt to the nodes in turn."""
    if not nodes:
        raise ValueError("no node to dispatch to")
    return [(portal, nodes[i % len(nodes)]) for i, portal in enumerate(sorted(set(portals)))]


def shard_path(template: str, portal: str, node: str) -> str:
    """The shard path of a job: ``{portal}`` and ``{node}`` (the node's host and port)
    filled in."""
    host = urllib.parse.urlsplit(node).netloc.replace(":", "_")
    try:
        return template.format(portal=portal, node=host)
    except (KeyError, IndexError, ValueError) as error:
        raise ValueError(
            f"--shard {template!r}: only {{portal}} and {{node}} can be filled in ({error})"
        ) from None


def _call(node: str, endpoint: str, form: Sequence[tuple[str, str]] | None = None) -> dict:
    """One scrapyd API call (POST with ``form``, else GET); its JSON answer, or
    ``DispatchError`` with scrapyd's message."""
    url = f"{node.rstrip('/')}/{endpoint}"
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    try:
        with urllib.request.urlopen(url, data=data, timeout=30) as answer:
            body = json.loads(answer.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        raise DispatchError(f"{url}: HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DispatchError(f"{url}: cannot reach the node ({reason})") from None
    except ValueError:
        raise DispatchError(f"{url}: the answer is not scrapyd's JSON") from None
    if body.get("status") != "ok":
        raise DispatchError(f"{url}: {body.get('message', body)}".strip())
    return body


def job_settings(shard: str, mirror: str | None, node: str) -> dict[str, Any]:
    """The Scrapy settings of one job: its shard, and the mirror's when crawling one."""
    settings: dict[str, Any] = {
        "ARSIP_DB": shard,
        "ARSIP_INVOCATION": f"{utc_now()} dispatch {node}",
    }
    if mirror:
        from arsip.crawl import mirror_settings

        settings.update(mirror_settings(mirror))
    return settings


def dispatch(
    portals: Sequence[str],
    nodes: Sequence[str],
    *,
    shard: str = SHARD,
    project: str = PROJECT,
    mirror: str | None = None,
    spider_args: Mapping[str, Any] | None = None,
    scheduled: Callable[[Job], None] | None = None,
) -> list[Job]:
    """Schedule each portal's crawl on its node (``assign``); returns the jobs.
    Every node is asked first whether it runs ``project`` with these spiders, so that
    nothing is scheduled when one cannot take its portals."""
    pairs = assign(portals, nodes)
    for node in dict.fromkeys(node for _, node in pairs):
        spiders = set(_call(node, f"listspiders.json?project={project}")["spiders"])
        missing = sorted(p for p, n in pairs if n == node and p not in spiders)
        if missing:
            raise DispatchError(f"{node}: project {project} has no spider {', '.join(missing)}")
    jobs = []
    for portal, node in pairs:
        path = shard_path(shard, portal, node)
        form = [("project", project), ("spider", portal)]
        form += [("setting", f"{k}={v}") for k, v in job_settings(path, mirror, node).items()]
        form += [(k, str(v)) for k, v in (spider_args or {}).items() if v is not None]
        answer = _call(node, "schedule.json", form)
        job = Job(portal, node, path, answer["jobid"])
        jobs.append(job)
        if scheduled:
            scheduled(job)
    return jobs


def wait_for(
    jobs: Sequence[Job],
    *,
    project: str = PROJECT,
    poll: float = 1.0,
    timeout: float | None = None,
    finished: Callable[[Job], None] | None = None,
) -> None:
    """Wait until every job is finished on its node (``listjobs.json``);
    ``TimeoutError`` after ``timeout`` seconds."""
    deadline = None if timeout is None else time.monotonic() + timeout
    pending = list(jobs)
    while pending:
        by_node: dict[str, set[str]] = {}
        for node in {job.node for job in pending}:
            listed = _call(node, f"listjobs.json?project={project}")
            by_node[node] = {j["id"] for j in listed.get("finished", [])}
        for job in [j for j in pending if j.job_id in by_node[j.node]]:
            pending.remove(job)
            if finished:
                finished(job)
        if not pending:
            return
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError(f"{len(pending)} jobs still running after {timeout:g} s")
        time.sleep(poll)
