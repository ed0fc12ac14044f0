"""Many writers and pulling phones at once; every phone ends equal to the server's truth.

On PostgreSQL, transactions commit out of order and pushes of different reps run side by side
(here also straight through the service, as a second worker's would); the pull follows the
change log only up to its settled number, so a phone's `seq > cursor` never skips a late
commit. SQLite serialises writers anyway and runs a smaller variant.
"""

import random
import threading
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func, text
from sqlmodel import Session, select

from app.auth.models import Role, User
from app.auth.service import update_user
from app.campaigns.models import Campaign, CampaignStatus
from app.changes.log import (
    SyncChange,
    SyncEntity,
    clock_and_horizon,
    hold_for_push,
    record_change,
)
from app.core.errors import ServiceUnavailable
from app.core.numbering import settled_through
from app.insights.models import InsightBacklog
from app.insights.roller import BACKLOG_NUMBERING, queue_outcomes
from app.leads.models import Lead
from app.leads.service import assign_leads, update_lead
from app.outcomes.models import Outcome
from app.sync.push import push
from tests.factories import Factory
from tests.sync.helpers import Content, Phone, outcome, sees
from tests.sync.helpers import push as push_mutations


def test_concurrent_writers_and_pullers_converge_to_the_truth(
    client: TestClient, factory: Factory, engine: Engine, backend: str
) -> None:
    rounds = 25 if backend == "postgres" else 8
    reps = [factory.user(Role.rep, region=r) for r in ("North", "South", "North")]
    headers = {rep.id: factory.auth(rep) for rep in reps}
    with Session(engine, expire_on_commit=False) as setup:
        content = Content(setup)
        campaigns = [content.campaign(regions=["North"]), content.campaign()]
        for campaign in campaigns:
            content.collateral(campaign)
        lead_ids = [content.lead(reps[i % 3], campaign=campaigns[0]).id for i in range(6)]
    errors: list[BaseException] = []
    stop = threading.Event()

    def writer(seed: int) -> None:
        rnd = random.Random(seed)
        try:
            with Session(engine, expire_on_commit=False) as session:
                mine = Content(session)
                for _ in range(rounds):
                    action = rnd.choice(
                        [
                            "lead",
                            "reassign",
                            "assign",
                            "move",
                            "campaign",
                            "collateral",
                            "push",
                            "worker push",
                            "region",
                        ]
                    )
                    if action == "lead":
                        lead_ids.append(mine.lead(rnd.choice(reps)).id)
                    elif action == "reassign":
                        lead = session.get(Lead, rnd.choice(lead_ids))
                        assert lead is not None
                        mine.reassign(lead, rnd.choice(reps))
                    elif action == "assign":  # the console's bulk move, several leads at once
                        picked = rnd.sample(lead_ids, 3)
                        assign_leads(session, lead_ids=picked, rep_id=rnd.choice(reps).id)
                        session.commit()
                    elif action == "move":  # into another campaign (maybe outside audience)
                        lead = session.get(Lead, rnd.choice(lead_ids))
                        assert lead is not None
                        target = rnd.choice([*campaigns, None])
                        changes = {"campaign_id": target.id if target else None}
                        update_lead(session, lead=lead, changes=changes)
                        session.commit()
                    elif action == "campaign":
                        campaign = _get(session, rnd.choice(campaigns).id)
                        status = rnd.choice([CampaignStatus.live, CampaignStatus.archived])
                        regions = rnd.choice([["North"], ["South"], []])
                        mine.update_campaign(
                            campaign,
                            status=status,
                            audience_regions=regions,
                            audience_all=not regions,
                        )
                    elif action == "region":  # the rep's campaigns follow their audience
                        rep = session.get(User, rnd.choice(reps).id)
                        assert rep is not None
                        update_user(session, rep, {"region": rnd.choice(["North", "South"])})
                        session.commit()
                    elif action == "collateral":
                        mine.collateral(_get(session, rnd.choice(campaigns).id))
                    elif action == "worker push":  # beside this process's queue of pushes
                        rep = rnd.choice(reps)
                        batch = [outcome(rnd.choice(lead_ids)) for _ in range(3)]
                        push(session, rep_id=rep.id, device_id=f"v{seed}", mutations=batch)
                        session.commit()
                    else:
                        rep = rnd.choice(reps)
                        batch = [outcome(rnd.choice(lead_ids)) for _ in range(3)]
                        client.post(
                            "/api/v1/sync/push",
                            headers=headers[rep.id],
                            json={"device_id": f"w{seed}", "mutations": batch},
                        )
                    session.expire_all()
        except BaseException as error:
            errors.append(error)

    phones = [Phone(client, headers[rep.id]) for rep in reps for _ in range(2)]

    def puller(phone: Phone) -> None:
        try:
            while not stop.is_set():
                phone.sync(limit=rnd_limit(phone))
        except BaseException as error:
            errors.append(error)

    def rnd_limit(phone: Phone) -> int:
        return 3 if id(phone) % 2 else 200

    writers = [threading.Thread(target=writer, args=(s,)) for s in range(4)]
    pullers = [threading.Thread(target=puller, args=(p,)) for p in phones]
    for thread in writers + pullers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    for thread in pullers:
        thread.join()
    assert not errors, errors
    for rep in reps:
        truth = Phone(client, headers[rep.id])
        truth.sync()
        for phone in phones:
            if phone.headers is headers[rep.id]:
                phone.sync()
                assert phone.state == truth.state
        _check_truth(engine, rep, truth)


def _get(session: Session, campaign_id: uuid.UUID) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    assert campaign is not None
    return campaign


def _check_truth(engine: Engine, rep: User, truth: Phone) -> None:
    """The truth phone itself matches the model of what the rep sees: exactly their leads, the
    live campaigns in their audience or holding their leads, and those campaigns' collateral."""
    with Session(engine) as session:
        expected = sees(session, rep.id)
    assert {kind: truth.ids(kind) for kind in expected} == expected


def test_pushes_in_line_share_commits_and_a_failing_one_takes_back_only_its_own(
    client: TestClient, factory: Factory, engine: Engine
) -> None:
    """Pushes queued behind one another continue one transaction and commit together (fewer
    commits than pushes); one that fails (here: a malformed batch, refused after its turn
    came) leaves the others' outcomes in place, and every answer means "stored"."""
    reps = [factory.user(Role.rep) for _ in range(6)]
    with Session(engine, expire_on_commit=False) as setup:
        leads = {rep.id: Content(setup).lead(rep).id for rep in reps}
    commits = 0

    def count(_: object) -> None:
        nonlocal commits
        commits += 1

    event.listen(engine, "commit", count)
    sent: list[str] = []
    answers: list[int] = []
    lock = threading.Lock()

    def phone(rep: User) -> None:
        headers = factory.auth(rep)
        for n in range(6):
            if n % 3 == 2:  # every third push is malformed
                body: dict[str, object] = {"device_id": "d", "mutations": "not a list"}
            else:
                mutation = outcome(leads[rep.id])
                body = {"device_id": "d", "mutations": [mutation]}
            response = client.post("/api/v1/sync/push", json=body, headers=headers)
            with lock:
                answers.append(response.status_code)
                if response.status_code == 200:
                    assert response.json()["results"][0]["status"] == "applied"
                    sent.append(mutation["id"])

    threads = [threading.Thread(target=phone, args=(rep,)) for rep in reps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    event.remove(engine, "commit", count)
    assert sorted(answers) == [200] * 24 + [422] * 12
    with Session(engine) as check:
        stored = check.exec(select(Outcome.id)).all()
    assert sorted(str(i) for i in stored) == sorted(sent)
    assert commits < 24


def test_pushes_of_two_reps_run_side_by_side_and_pulls_wait_for_the_open_one(
    client: TestClient, factory: Factory, engine: Engine, backend: str
) -> None:
    """PostgreSQL: while one rep's push is still open (a slow worker), another rep's push is
    answered; phones follow the change log only up to the open push's numbers, and get
    everything once it commits."""
    if backend != "postgres":
        pytest.skip("SQLite writes one at a time")
    ana, ben = factory.user(Role.rep), factory.user(Role.rep)
    with Session(engine, expire_on_commit=False) as setup:
        content = Content(setup)
        ana_lead, ben_lead = content.lead(ana).id, content.lead(ben).id
    pairs = [(ana, ana_lead), (ben, ben_lead)]
    phones = {rep.id: Phone(client, factory.auth(rep)) for rep in (ana, ben)}
    for phone in phones.values():
        phone.sync()
    with Session(engine) as slow:
        push(slow, rep_id=ana.id, device_id="slow", mutations=[outcome(ana_lead)])
        answers: list[int] = []

        def ben_pushes() -> None:
            body = {"device_id": "d", "mutations": [outcome(ben_lead, "follow_up")]}
            headers = phones[ben.id].headers
            answers.append(client.post("/api/v1/sync/push", json=body, headers=headers).status_code)

        beside = threading.Thread(target=ben_pushes)
        beside.start()
        beside.join(timeout=60)
        assert answers == [200], "the other rep's push waited for the open one"
        for phone in phones.values():
            phone.sync()
        assert [_history(phones[rep.id], lead) for rep, lead in pairs] == [[], []]
        slow.commit()
    for phone in phones.values():
        phone.sync()
    assert [_history(phones[rep.id], lead) for rep, lead in pairs] == [["won"], ["follow_up"]]


def _history(phone: Phone, lead_id: uuid.UUID) -> list[str]:
    return [item["code"] for item in phone.state["leads"][str(lead_id)]["history"]]


def test_a_push_continuing_a_group_does_not_wait_for_a_rep_held_elsewhere(
    factory: Factory, engine: Engine, backend: str
) -> None:
    """PostgreSQL: a push that continues another rep's transaction (group commit) and finds
    its rep's turn taken by another worker is told to come back instead of waiting (waiting
    while holding the group's reps could close a circle with that worker)."""
    if backend != "postgres":
        pytest.skip("SQLite writes one at a time")
    ana, ben = factory.user(Role.rep), factory.user(Role.rep)
    with Session(engine) as elsewhere, Session(engine) as group:
        hold_for_push(elsewhere, ana.id)
        hold_for_push(group, ben.id)
        with pytest.raises(ServiceUnavailable) as refused:
            hold_for_push(group, ana.id)
        assert refused.value.headers == {"Retry-After": "1"}
        elsewhere.commit()
        hold_for_push(group, ana.id)  # free again: taken at once


def test_the_first_push_of_a_fresh_session_waits_for_its_reps_other_phone(
    factory: Factory, engine: Engine, backend: str
) -> None:
    """PostgreSQL: a push on a session that has run nothing yet (a worker's first) is a first
    push, not a group's continuation: it waits for the rep's other phone and then goes in."""
    if backend != "postgres":
        pytest.skip("SQLite writes one at a time")
    ana = factory.user(Role.rep)
    with Session(engine, expire_on_commit=False) as setup:
        lead_id = Content(setup).lead(ana).id
    answers: list[BaseException | int] = []
    with Session(engine) as other_phone:
        hold_for_push(other_phone, ana.id)

        def fresh_push() -> None:
            try:
                with Session(engine) as fresh:
                    push(fresh, rep_id=ana.id, device_id="fresh", mutations=[outcome(lead_id)])
                    fresh.commit()
                answers.append(200)
            except BaseException as error:
                answers.append(error)

        waiting = threading.Thread(target=fresh_push)
        waiting.start()
        waiting.join(timeout=1)
        assert waiting.is_alive() and answers == [], answers
        other_phone.commit()
        waiting.join(timeout=30)
    assert answers == [200]


def test_a_writer_recording_changes_one_by_one_holds_one_mark(engine: Engine, backend: str) -> None:
    """PostgreSQL: a transaction recording thousands of changes one by one (the demo seed, a
    script) marks itself once, not once per change: a lock each filled the server's lock table
    ("out of shared memory") and failed the transaction."""
    if backend != "postgres":
        pytest.skip("SQLite takes no marks")
    with Session(engine) as writer:
        for _ in range(300):
            record_change(writer, SyncEntity.campaign, uuid.uuid4())
        assert _marks_of(writer) == 1
        writer.rollback()


def test_a_mark_undone_with_its_savepoint_is_made_again(engine: Engine, backend: str) -> None:
    """PostgreSQL: a savepoint rolled back takes its locks with it; the same transaction's next
    change marks itself again, so phones still never follow the log past its open number."""
    if backend != "postgres":
        pytest.skip("SQLite takes no marks")
    with Session(engine) as writer, Session(engine) as reader:
        savepoint = writer.begin_nested()
        record_change(writer, SyncEntity.campaign, uuid.uuid4())
        savepoint.rollback()
        assert _marks_of(writer) == 0
        record_change(writer, SyncEntity.campaign, uuid.uuid4())
        number = writer.execute(select(func.max(SyncChange.seq))).scalar_one()
        assert clock_and_horizon(reader)[0] < number
        writer.commit()
        reader.rollback()
        assert clock_and_horizon(reader)[0] >= number


def test_a_statement_that_drew_no_numbers_does_not_count_as_marked(
    engine: Engine, backend: str, client: TestClient, factory: Factory, content: Content
) -> None:
    """PostgreSQL: a push marks itself in the statement that draws its first numbers. One that
    drew none (its outcomes gave no backlog row) may not have taken the mark, so the next
    numbers of the same transaction mark it again: the roller never passes them while open."""
    if backend != "postgres":
        pytest.skip("SQLite takes no marks")
    rep, headers = factory.login_as(Role.rep)
    tap = outcome(content.lead(rep).id)
    push_mutations(client, headers, tap)
    with Session(engine) as writer, Session(engine) as reader:
        queue_outcomes(writer, [Outcome.model_construct(id=uuid.uuid4())], +1)  # no row
        queue_outcomes(writer, [Outcome.model_construct(id=uuid.UUID(tap["id"]))], -1)
        number = writer.execute(select(func.max(InsightBacklog.seq))).scalar_one()
        assert settled_through(reader, BACKLOG_NUMBERING) < number
        writer.commit()
        reader.rollback()
        assert settled_through(reader, BACKLOG_NUMBERING) >= number


def _marks_of(session: Session) -> int:
    query = text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1"
        " AND pid = pg_backend_pid()"
    )
    return int(session.execute(query).scalar_one())
