"""Ownership statements through the API: keys, bad input, ETags, states, replays and the flow."""

from __future__ import annotations

from decimal import Decimal

from django.core.cache import cache
from django.db import transaction

from registry.accounts.services import api_key_revoke
from registry.audit.models import AuditEvent
from registry.filings.models import FilingSnapshot
from registry.filings.states import Status
from registry.providers.models import InvestmentLink, OwnershipStatement
from registry.providers.services import ownership_transition
from tests.api.base import ApiTestCase
from tests.factories import complete_ownership_statement, raise_finding
from tests.labels import accept_ownership

BASE = "/api/v1/ownership-statements/"
LINK = {
    "investor_name": "Northern Ventures LP",
    "investor_kind": "fund",
    "country": "US",
    "registration_number": "LP-1234",
    "share_percent": "12.5",
    "votes_percent": 10,
    "board_appointment": False,
    "significant_influence": True,
    "state_affiliation": "none",
    "acquired_on": "2023-05-01",
    "ceased_on": None,
    "nsi_notified": True,
    "nsi_reference": "NSI-2023-0042",
}
SIGNED = {"signatory_name": "Alice Owner", "signatory_role": "Director", "sign": True}


class OwnershipApiTestCase(ApiTestCase):
    def setUp(self):
        cache.clear()  # each test starts with its keys' rate limits untouched

    def draft(self, links: int = 1, **fields) -> OwnershipStatement:
        return complete_ownership_statement(
            provider=self.acme, links=links, created_by=self.alice, **fields
        )

    def accepted(self) -> OwnershipStatement:
        return accept_ownership(self, self.draft())

    def written(self) -> dict[str, int]:
        tables = (OwnershipStatement, InvestmentLink, FilingSnapshot, AuditEvent)
        return {table.__name__: table.objects.count() for table in tables}


def url(statement, suffix: str = "") -> str:
    return f"{BASE}{statement.pk}/{suffix}"


def link_url(statement) -> str:
    return url(statement, f"links/{statement.links.first().pk}/")


# Every endpoint: (method, URL from the fixture, body, what the fixture is, the owner's success).
ENDPOINTS = [
    ("GET", lambda s: BASE, None, "draft", 200),
    ("POST", lambda s: BASE, {"amend": False}, None, 201),
    ("GET", url, None, "draft", 200),
    ("PUT", url, {"links": [LINK]}, "draft", 200),
    ("PATCH", url, {"signatory_role": "Chief Executive"}, "draft", 200),
    ("DELETE", url, None, "draft", 204),
    ("POST", lambda s: url(s, "validate"), {}, "draft", 200),
    ("POST", lambda s: url(s, "submit"), {}, "draft", 200),
    ("POST", lambda s: url(s, "withdraw"), {"reason": "Sold"}, "accepted", 200),
    ("GET", lambda s: url(s, "links/"), None, "draft", 200),
    ("POST", lambda s: url(s, "links/"), LINK, "draft", 201),
    ("GET", link_url, None, "draft", 200),
    ("PUT", link_url, LINK, "draft", 200),
    ("PATCH", link_url, {"country": "FR"}, "draft", 200),
    ("DELETE", link_url, None, "draft", 204),
]
# Endpoints that read, though a POST: a read key may call them.
READS = {"validate"}


class KeyMatrixTests(OwnershipApiTestCase):
    def test_every_endpoint_for_every_key(self):
        for method, address, body, fixture, success in ENDPOINTS:
            # Each endpoint starts from its own fixture, undone afterwards.
            with transaction.atomic():
                statement = {"draft": self.draft, "accepted": self.accepted}.get(
                    fixture or "", lambda: None
                )()
                path = address(statement)
                label = f"{method} {path}"
                reads = method == "GET" or any(path.endswith(r) for r in READS)
                with self.subTest(label, key="none"):
                    self.assertProblem(
                        self.call(method, path, body, key=None), 401, "not_authenticated"
                    )
                with self.subTest(label, key="unknown"):
                    response = self.call(method, path, body, key="prk_nope.secret")
                    self.assertProblem(response, 401, "authentication_failed")
                with self.subTest(label, key="read"):
                    response = self.call(method, path, body, key="acme-read")
                    if reads:
                        self.assertEqual(response.status_code, success, response.content[:300])
                    else:
                        self.assertProblem(response, 403, "permission_denied")
                if path != BASE:  # a list shows each provider its own
                    with self.subTest(label, key="another provider's"):
                        self.assertProblem(
                            self.call(method, path, body, key="beta"), 404, "not_found"
                        )
                with self.subTest(label, key="own write key"):
                    response = self.call(method, path, body)
                    self.assertEqual(response.status_code, success, response.content[:300])
                api_key_revoke(actor=self.alice, key=self.acme_key)
                with self.subTest(label, key="revoked"):
                    response = self.call(method, path, body)
                    self.assertProblem(response, 401, "authentication_failed")
                transaction.set_rollback(True)

    def test_another_providers_list_shows_only_its_own(self):
        self.draft()
        response = self.call("GET", BASE, key="beta")
        self.assertEqual(response.json()["results"], [])

    def test_a_link_of_another_statement_is_404_under_this_one(self):
        older = accept_ownership(self, self.draft())
        newer = self.draft()
        other_link = older.links.first()
        response = self.call("GET", url(newer, f"links/{other_link.pk}/"))
        self.assertProblem(response, 404, "not_found")


class CreateTests(OwnershipApiTestCase):
    def test_the_whole_statement_in_one_request_signed(self):
        response = self.call("POST", BASE, {"links": [LINK, LINK | {"country": "GB"}], **SIGNED})
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        statement = OwnershipStatement.objects.get()
        self.assertEqual(response["ETag"], body["etag"])
        self.assertEqual(response["Location"], url(statement))
        self.assertEqual((body["version"], body["status"]), (1, Status.DRAFT))
        self.assertIsNotNone(body["signed_at"])
        self.assertEqual([link["country"] for link in body["links"]], ["US", "GB"])
        self.assertEqual(
            statement.links.values_list("share_percent", "votes_percent").first(),
            (Decimal("12.5"), Decimal("10")),
        )

    def test_a_blank_draft_and_an_amendment(self):
        self.assertEqual(self.call("POST", BASE, {}).json()["links"], [])
        OwnershipStatement.objects.all().delete()
        accepted = self.accepted()
        amended = self.call("POST", BASE, {"amend": True})
        self.assertEqual(amended.status_code, 201, amended.content)
        self.assertEqual(amended.json()["amends"], accepted.pk)
        self.assertEqual(len(amended.json()["links"]), 1)

    def test_the_provider_sees_exact_holdings_and_nsi_references(self):
        statement = self.draft()
        InvestmentLink.objects.filter(statement=statement).update(
            share_percent=Decimal("12.345"), nsi_notified=True, nsi_reference="NSI-7"
        )
        (link,) = self.call("GET", url(statement)).json()["links"]
        self.assertEqual(
            (link["share_percent"], link["share_band"], link["nsi_reference"]),
            ("12.345", "10_25", "NSI-7"),
        )

    def test_unstorable_input_is_refused_with_codes_and_pointers_and_nothing_is_written(self):
        before = self.written()
        cases = {
            "/links/0/investor_kind": (
                "invalid_choice",
                {"links": [LINK | {"investor_kind": "x"}]},
            ),
            "/links/0/share_percent": (
                "percent_invalid",
                {"links": [LINK | {"share_percent": 150}]},
            ),
            "/links/0/country": (
                "investor_country_invalid",
                {"links": [LINK | {"country": "USA"}]},
            ),
            "/links/0/acquired_on": ("invalid", {"links": [LINK | {"acquired_on": "31/02/2024"}]}),
            "/links/0/colour": ("unknown_field", {"links": [LINK | {"colour": "blue"}]}),
            "/colour": ("unknown_field", {"colour": "blue"}),
            "/links": ("not_a_list", {"links": "everyone"}),
            "/amend": ("invalid", {"amend": "perhaps"}),
        }
        for pointer, (code, body) in cases.items():
            with self.subTest(pointer):
                self.assertProblem(self.call("POST", BASE, body), 400, code, pointer=pointer)
        too_many = {"links": [LINK] * 1001}
        self.assertProblem(self.call("POST", BASE, too_many), 400, "max_length", pointer="/links")
        self.assertProblem(self.call("POST", BASE, raw='{"links": ['), 400, "parse_error")
        self.assertEqual(self.written(), before)

    def test_a_draft_keeps_every_problem_and_lists_them(self):
        body = {
            "links": [
                LINK | {"country": "XX", "nsi_reference": ""},
                LINK | {"votes_percent": None, "investor_name": " ", "ceased_on": "2020-01-01"},
            ],
            "sign": True,
        }
        response = self.call("POST", BASE, body)
        self.assertEqual(response.status_code, 201, response.content)
        found = {(p["code"], p["pointer"]) for p in response.json()["problems"]}
        self.assertEqual(
            found,
            {
                ("investor_country_invalid", "/links/0/country"),
                ("nsi_reference_required", "/links/0/nsi_reference"),
                ("votes_percent_required", "/links/1/votes_percent"),
                ("investor_name_required", "/links/1/investor_name"),
                ("link_dates_order", "/links/1/ceased_on"),
                ("signatory_name_required", "/signatory_name"),
                ("signatory_role_required", "/signatory_role"),
                ("statement_not_confirmed", "/signed_at"),
            },
        )
        statement = OwnershipStatement.objects.get(pk=response.json()["id"])
        self.assertEqual(
            list(statement.links.order_by("id").values_list("country", flat=True)), ["XX", "US"]
        )
        checked = self.call("POST", url(statement, "validate"), {}).json()
        self.assertEqual({(p["code"], p["pointer"]) for p in checked["problems"]}, found)

    def test_refusals_of_the_state(self):
        self.assertProblem(self.call("POST", BASE, {"amend": True}), 409, "nothing_to_amend")
        self.draft()
        self.assertProblem(self.call("POST", BASE, {}), 409, "open_filing_exists")

    def test_a_replay_returns_the_first_response_and_writes_nothing_more(self):
        headers = {"Idempotency-Key": "own-1"}
        first = self.call("POST", BASE, {"links": [LINK]}, headers=headers)
        again = self.call("POST", BASE, {"links": [LINK]}, headers=headers)
        self.assertEqual((first.status_code, again.status_code), (201, 201))
        self.assertEqual(first.json(), again.json())
        self.assertEqual(again["Idempotent-Replayed"], "true")
        self.assertEqual(OwnershipStatement.objects.count(), 1)
        other = self.call("POST", BASE, {"links": []}, headers=headers)
        self.assertProblem(other, 422, "idempotency_key_reused")


class ChangeTests(OwnershipApiTestCase):
    def test_put_replaces_every_link_and_empties_what_it_leaves_out(self):
        statement = self.draft(links=3)
        response = self.call("PUT", url(statement), {"links": [LINK]})
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(
            [link["investor_name"] for link in body["links"]], ["Northern Ventures LP"]
        )
        self.assertEqual((body["signatory_name"], body["signed_at"]), ("", None))
        self.assertEqual(statement.links.count(), 1)
        self.assertTrue(AuditEvent.objects.filter(action="ownership.filled").exists())

    def test_patch_changes_only_what_it_gives_and_a_change_voids_the_signature(self):
        statement = self.draft(links=2)
        response = self.call("PATCH", url(statement), {"signatory_role": "Chief Executive"})
        body = response.json()
        self.assertEqual(len(body["links"]), 2)
        self.assertEqual(
            (body["signatory_name"], body["signatory_role"]), ("Alice Owner", "Chief Executive")
        )
        self.assertIsNone(body["signed_at"])
        signed = self.call("PATCH", url(statement), {"sign": True}).json()
        self.assertIsNotNone(signed["signed_at"])

    def test_if_match_refuses_a_stale_version(self):
        statement = self.draft()
        etag = self.call("GET", url(statement))["ETag"]
        changed = self.call(
            "PATCH", url(statement), SIGNED | {"signatory_role": "CFO"}, headers={"If-Match": etag}
        )
        self.assertEqual(changed.status_code, 200, changed.content)
        self.assertNotEqual(changed["ETag"], etag)
        for method, path, body in (
            ("PATCH", url(statement), {"signatory_role": "CEO"}),
            ("PUT", url(statement), {"links": [LINK]}),
            ("POST", url(statement, "submit"), {}),
            ("DELETE", url(statement), None),
        ):
            with self.subTest(method=method, path=path):
                response = self.call(method, path, body, headers={"If-Match": etag})
                self.assertProblem(response, 412, "stale_edit")
        statement.refresh_from_db()
        self.assertEqual((statement.signatory_role, statement.status), ("CFO", Status.DRAFT))
        current = self.call(
            "POST", url(statement, "submit"), {}, headers={"If-Match": changed["ETag"]}
        )
        self.assertEqual(current.status_code, 200, current.content)

    def test_a_links_own_etag(self):
        statement = self.draft()
        path = link_url(statement)
        etag = self.call("GET", path)["ETag"]
        statement_etag = self.call("GET", url(statement))["ETag"]
        changed = self.call("PATCH", path, {"country": "FR"}, headers={"If-Match": etag})
        self.assertEqual(changed.json()["country"], "FR")
        self.assertEqual(changed.json()["investor_kind"], "company")
        self.assertNotEqual(self.call("GET", url(statement))["ETag"], statement_etag)
        stale = self.call("PUT", path, LINK, headers={"If-Match": etag})
        self.assertProblem(stale, 412, "stale_edit")
        self.assertProblem(self.call("DELETE", path, headers={"If-Match": etag}), 412, "stale_edit")
        self.assertEqual(statement.links.get().country, "FR")

    def test_put_on_a_link_empties_what_it_leaves_out(self):
        statement = self.draft()
        body = {k: v for k, v in LINK.items() if k != "registration_number"}
        response = self.call("PUT", link_url(statement), body)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["registration_number"], "")
        # An investor of only a name has no kind, and the register holds none without one.
        partial = self.call("PUT", link_url(statement), {"investor_name": "Only a name"})
        self.assertProblem(partial, 400, "investor_kind_invalid", pointer="/investor_kind")
        kept = self.call(
            "PUT", link_url(statement), {"investor_name": "A", "investor_kind": "fund"}
        )
        self.assertEqual(kept.status_code, 200, kept.content)
        self.assertIn(
            ("share_percent_required", "/share_percent"),
            {(p["code"], p["pointer"]) for p in kept.json()["problems"]},
        )

    def test_a_submitted_statement_cannot_be_changed(self):
        statement = self.draft()
        ownership_transition(actor=self.alice, statement=statement, action="submit")
        path = link_url(statement)
        for method, address, body in (
            ("PUT", url(statement), {"links": [LINK]}),
            ("PATCH", url(statement), {"signatory_role": "CEO"}),
            ("POST", url(statement, "links/"), LINK),
            ("PATCH", path, {"country": "FR"}),
            ("DELETE", path, None),
        ):
            with self.subTest(method=method, path=address):
                self.assertProblem(self.call(method, address, body), 409, "not_editable")
        self.assertProblem(
            self.call("POST", url(statement, "submit"), {}), 409, "transition_not_allowed"
        )
        self.assertProblem(self.call("DELETE", url(statement)), 409, "not_editable")
        self.assertEqual(statement.links.count(), 1)

    def test_a_statement_submitted_once_cannot_be_deleted(self):
        statement = self.draft()
        ownership_transition(actor=self.alice, statement=statement, action="submit")
        ownership_transition(actor=self.olivia, statement=statement, action="start_review")
        raise_finding(statement, self.olivia)
        ownership_transition(
            actor=self.olivia, statement=statement, action="request_changes", reason="Add more"
        )
        self.assertProblem(self.call("DELETE", url(statement)), 409, "not_discardable")

    def test_links_are_added_and_removed(self):
        statement = self.draft()
        added = self.call("POST", url(statement, "links/"), LINK)
        self.assertEqual(added.status_code, 201, added.content)
        self.assertEqual(added["ETag"], added.json()["etag"])
        self.assertEqual(added["Location"], url(statement, f"links/{added.json()['id']}/"))
        bad = self.call("POST", url(statement, "links/"), LINK | {"share_percent": -1})
        self.assertProblem(bad, 400, "percent_invalid", pointer="/share_percent")
        self.assertEqual(statement.links.count(), 2)
        removed = self.call("DELETE", url(statement, f"links/{added.json()['id']}/"))
        self.assertEqual(removed.status_code, 204)
        self.assertEqual(statement.links.count(), 1)


class LifecycleTests(OwnershipApiTestCase):
    def test_create_validate_submit_and_read_with_the_regulators_messages(self):
        created = self.call("POST", BASE, {"links": [LINK]})
        statement = OwnershipStatement.objects.get(pk=created.json()["id"])
        check = self.call("POST", url(statement, "validate"), {}).json()
        self.assertEqual(check["valid"], False)
        self.assertEqual(
            [(p["code"], p["pointer"]) for p in check["problems"]],
            [
                ("signatory_name_required", "/signatory_name"),
                ("signatory_role_required", "/signatory_role"),
                ("statement_not_confirmed", "/signed_at"),
            ],
        )
        signed = self.call("PATCH", url(statement), SIGNED)
        self.assertEqual(
            self.call("POST", url(statement, "validate"), {}).json(),
            {"valid": True, "problems": []},
        )
        submitted = self.call(
            "POST", url(statement, "submit"), {}, headers={"If-Match": signed["ETag"]}
        )
        self.assertEqual(submitted.status_code, 200, submitted.content)
        body = submitted.json()
        self.assertEqual(body["status"], Status.SUBMITTED)
        snapshot = FilingSnapshot.objects.get(filing_kind="ownership", filing_id=statement.pk)
        self.assertEqual(body["snapshot"]["sha256"], snapshot.sha256)
        ownership_transition(actor=self.olivia, statement=statement, action="start_review")
        raise_finding(statement, self.olivia)
        ownership_transition(
            actor=self.olivia,
            statement=statement,
            action="request_changes",
            reason="Give the fund's registration number",
        )
        read = self.call("GET", url(statement)).json()
        self.assertEqual(read["status"], Status.CHANGES_REQUESTED)
        self.assertEqual(
            [(h["action"], h["actor"], h["reason"]) for h in read["history"]],
            [
                ("submit", "Alice Owner", ""),
                ("start_review", "regulator", ""),
                ("request_changes", "regulator", "Give the fund's registration number"),
            ],
        )
        self.assertNotIn("Olivia", str(read))
        fixed = self.call("PATCH", url(statement), SIGNED | {"signatory_role": "CEO"})
        self.assertEqual(fixed.status_code, 200, fixed.content)
        again = self.call("POST", url(statement, "submit"), {}).json()
        self.assertEqual((again["status"], again["snapshot"]["submission"]), (Status.SUBMITTED, 2))

    def test_validate_reports_exactly_what_submit_refuses(self):
        statement = self.draft(links=2, signed_at=None)
        statement.links.update(share_percent=Decimal(60))
        check = self.call("POST", url(statement, "validate"), {}, key="acme-read").json()
        submit = self.call("POST", url(statement, "submit"), {})
        self.assertEqual(submit.status_code, 400)
        self.assertEqual(check["problems"], submit.json()["problems"])
        self.assertEqual(
            [p["code"] for p in check["problems"]], ["shares_over_100", "statement_not_confirmed"]
        )
        statement.refresh_from_db()
        self.assertEqual(statement.status, Status.DRAFT)

    def test_withdraw_needs_a_reason(self):
        statement = self.accepted()
        stale = f'"ownership-{statement.pk}-1"'
        response = self.call(
            "POST", url(statement, "withdraw"), {"reason": "Sold"}, headers={"If-Match": stale}
        )
        self.assertProblem(response, 412, "stale_edit")
        refused = self.call("POST", url(statement, "withdraw"), {"reason": " "})
        self.assertProblem(refused, 400, "reason_required", pointer="/reason")
        withdrawn = self.call("POST", url(statement, "withdraw"), {"reason": "Company sold"})
        self.assertEqual(
            (withdrawn.json()["status"], withdrawn.json()["withdrawal_reason"]),
            (Status.WITHDRAWN, "Company sold"),
        )
        self.assertProblem(
            self.call("POST", url(statement, "withdraw"), {"reason": "Again"}),
            409,
            "transition_not_allowed",
        )


class QueryCountTests(OwnershipApiTestCase):
    # Every keyed request starts with the key (with its provider and creator) and whether its
    # creator still belongs to the provider.
    #  1-2. the key, the membership check
    #  3. the person's membership (access_statement_for_member)
    #  4. the statement
    #  5. its links
    #  6. the latest snapshot
    #  7. the history with its actors
    #  8-9. the regulator's sent findings, and its messages (once submitted)
    READ = 9
    # 1-2 the key, 3 the page of statements
    LIST = 3
    # 1-2 the key, 3-4 membership and statement, 5 the page of links
    LINKS = 5

    def test_the_same_queries_for_few_and_many(self):
        small = accept_ownership(self, self.draft(links=2))
        large = self.draft(links=60)
        ownership_transition(actor=self.alice, statement=large, action="submit")
        self.call("GET", BASE)  # the key's last use is recorded once, not on every request
        for statement, count in ((small, 2), (large, 60)):
            with self.subTest(links=count):
                with self.assertNumQueries(self.READ):
                    self.assertEqual(len(self.call("GET", url(statement)).json()["links"]), count)
                with self.assertNumQueries(self.LINKS):
                    self.call("GET", url(statement, "links/"))
                with self.assertNumQueries(self.LIST):
                    self.call("GET", BASE)
