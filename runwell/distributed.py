"""Loading a study on a Dask cluster: one task per participant, tables from the parquet store.

Used by :func:`runwell.study.load_study` when it is given a ``dask.distributed`` Client
(the ``dask`` extra: ``pip install 'runwell[dask]'``); nothing else in runwell imports it.

1. Each participant is one task (:func:`participant_task`, never one task per file): it
   keys the participant's inputs, reads them back from the store when that key is
   stored, and otherwise loads them (:func:`runwell.studyrun.run_job`, parsing in the
   worker's own process) and writes them to the store, one partition per participant.
   It returns only a small summary, never the tables; a participant whose data fails is
   a summary with the error, and a task whose worker dies is reported the same way.
2. :func:`study_frames` builds the canonical tables with ``dask.dataframe.from_map``
   over the stored partitions (one partition per participant); :func:`run_on_cluster`
   computes them on the cluster and hands the pandas tables back.

Every worker must reach the study folder and the store at the same paths (one machine,
or a shared file system).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd
from distributed import Client, Future, wait

from runwell.inputs import Inputs
from runwell.studyrun import Outcome, ParticipantJob, run_job
from runwell.studystore import STORE_TABLES, StudyStore
from runwell.tables import empty_table

if TYPE_CHECKING:
    import dask.dataframe as dd

__all__ = ["participant_task", "read_partition", "study_frames", "run_on_cluster", "submit_jobs"]


def participant_task(job: ParticipantJob, store_root: str) -> Outcome:
    """One participant on a worker: load (or find in the store) and store; the summary only."""
    return run_job(job, store=StudyStore(store_root), keep=False, workers=1)


def read_partition(item: tuple[str, str], *, store_root: str, table: str) -> pd.DataFrame:
    """One participant's stored table (a partition of :func:`study_frames`)."""
    participant_id, key = item
    return StudyStore(store_root).read_table(table, participant_id, key)


def study_frames(store: StudyStore, done: Sequence[tuple[str, str]]) -> dict[str, dd.DataFrame]:
    """The stored tables of the ``done`` participants ``(id, key)`` as Dask DataFrames.

    Parameters
    ----------
    store
        The study's store.
    done
        The participants and their keys, in the order wanted.

    Returns
    -------
    dict
        Table name -> Dask DataFrame with one partition per participant.
    """
    import dask.dataframe as dd  # here, not at the top: the workers' tasks need not import it

    return {
        name: dd.from_map(
            read_partition,
            list(done),
            store_root=str(store.root),
            table=name,
            meta=empty_table(schema),
            enforce_metadata=False,
            label=f"runwell-{name}",
        )
        for name, schema in STORE_TABLES.items()
    }


def submit_jobs(jobs: Sequence[ParticipantJob], client: Client, store: StudyStore) -> list[Future]:
    """One task per participant, each with a key naming the participant."""
    run = uuid.uuid4().hex[:8]
    return [
        client.submit(
            participant_task, job, str(store.root), key=f"runwell-load-{job.participant_id}-{run}", pure=False
        )
        for job in jobs
    ]


def _gathered(jobs: Sequence[ParticipantJob], futures: list[Future]) -> list[Outcome]:
    """Each task's summary; a task that failed as a whole (its worker died) becomes a failed outcome."""
    wait(futures)
    outcomes = []
    for job, future in zip(jobs, futures, strict=True):
        if future.status == "finished":
            outcomes.append(future.result())
        else:
            error = future.exception() if future.status == "error" else future.status
            outcomes.append(Outcome(job.participant_id, None, error=f"the task on the cluster failed: {error!r}"))
        future.release()
    return outcomes


def run_on_cluster(jobs: Sequence[ParticipantJob], client: Client, store: StudyStore) -> list[Outcome]:
    """Load every participant on the client's cluster; outcomes with their tables, in ``jobs`` order.

    Parameters
    ----------
    jobs
        The participants (:func:`runwell.study.study_jobs`).
    client
        A connected ``dask.distributed.Client``.
    store
        The parquet store the workers write to and the tables are read from.

    Returns
    -------
    list of Outcome
        Loaded participants carry their :class:`~runwell.inputs.Inputs` (read from the
        store on the cluster); failed ones their error.
    """
    outcomes = _gathered(jobs, submit_jobs(jobs, client, store))
    done = [(o.participant_id, o.key) for o in outcomes if o.error is None and o.key is not None]
    frames = study_frames(store, done)
    # one computed pandas frame per partition, i.e. per participant, in the order of done
    parts = {name: frame.to_delayed() for name, frame in frames.items()}
    flat = client.compute([d for name in STORE_TABLES for d in parts[name]], sync=True) if done else []
    n = len(done)
    computed = {name: flat[k * n : (k + 1) * n] for k, name in enumerate(STORE_TABLES)}
    result, position = [], 0
    for outcome in outcomes:
        if outcome.error is not None or outcome.key is None:
            result.append(outcome)
            continue
        meta = store.meta(outcome.participant_id, outcome.key)
        inputs = Inputs(
            **{name: computed[name][position] for name in STORE_TABLES},
            participants=list(meta["participants"]),
            sources=dict(meta["sources"]),
            formats=dict(meta["formats"]),
            reconciled=bool(meta["reconciled"]),
            has_sleep=bool(meta["has_sleep"]),
        )
        result.append(replace(outcome, inputs=inputs))
        position += 1
    return result
