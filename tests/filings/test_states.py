"""The lifecycle table, written out in full: every action from every status."""

from __future__ import annotations

from django.test import SimpleTestCase

from registry.filings import states
from registry.filings.states import Actor, Status

D, S, R, C = Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW, Status.CHANGES_REQUESTED
A, J, X, W = Status.ACCEPTED, Status.REJECTED, Status.SUPERSEDED, Status.WITHDRAWN

# action: {from status: to status}; any status not listed refuses the action.
TABLE = {
    "submit": {D: S, C: S},
    "start_review": {S: R},
    "request_changes": {R: C},
    "accept": {R: A},
    "reject": {R: J},
    "supersede": {A: X},
    "withdraw": {A: W},
}
# action: (who may take it, whether it needs a reason)
WHO = {
    "submit": (Actor.PROVIDER, False),
    "start_review": (Actor.REGULATOR, False),
    "request_changes": (Actor.REGULATOR, True),
    "accept": (Actor.DECISION_MAKER, True),
    "reject": (Actor.DECISION_MAKER, True),
    "supersede": (Actor.SYSTEM, False),
    "withdraw": (Actor.PROVIDER, True),
}


class TransitionTableTests(SimpleTestCase):
    def test_the_table_has_exactly_these_actions(self):
        self.assertEqual(set(states.TRANSITIONS), set(TABLE))

    def test_every_action_from_every_status(self):
        for action, moves in TABLE.items():
            for status in Status:
                with self.subTest(action=action, status=status.value):
                    self.assertIs(states.allowed(action, status), status in moves)
                    if status in moves:
                        self.assertEqual(states.TRANSITIONS[action].target, moves[status])

    def test_each_action_has_one_target_and_sources_exactly_as_listed(self):
        for action, moves in TABLE.items():
            with self.subTest(action):
                transition = states.TRANSITIONS[action]
                self.assertEqual(transition.sources, frozenset(moves))
                self.assertEqual({transition.target}, set(moves.values()))
                self.assertEqual(transition.action, action)

    def test_who_may_take_each_action_and_which_need_a_reason(self):
        for action, (actor, needs_reason) in WHO.items():
            with self.subTest(action):
                transition = states.TRANSITIONS[action]
                self.assertEqual(transition.actor, actor)
                self.assertIs(transition.needs_reason, needs_reason)

    def test_each_action_says_how_it_was_done_for_messages(self):
        past = {action: t.past for action, t in states.TRANSITIONS.items()}
        self.assertEqual(
            past,
            {
                "submit": "submitted",
                "start_review": "taken into review",
                "request_changes": "sent back for changes",
                "accept": "accepted",
                "reject": "rejected",
                "supersede": "superseded",
                "withdraw": "withdrawn",
            },
        )

    def test_actions_from_each_status(self):
        expected = {
            D: ["submit"],
            S: ["start_review"],
            R: ["request_changes", "accept", "reject"],
            C: ["submit"],
            A: ["supersede", "withdraw"],
            J: [],
            X: [],
            W: [],
        }
        self.assertEqual(set(expected), set(Status))
        for status, actions in expected.items():
            with self.subTest(status.value):
                self.assertEqual(states.actions_from(status), actions)

    def test_an_unknown_action_is_never_allowed(self):
        for status in Status:
            with self.subTest(status.value):
                self.assertIs(states.allowed("approve", status), False)
                self.assertIs(states.allowed("", status), False)

    def test_an_unknown_status_allows_nothing(self):
        for action in TABLE:
            with self.subTest(action):
                self.assertIs(states.allowed(action, "archived"), False)

    def test_every_status_but_draft_is_reached_by_some_action(self):
        targets = {t.target for t in states.TRANSITIONS.values()}
        self.assertEqual(targets, set(Status) - {D})


class StatusSetTests(SimpleTestCase):
    def test_the_statuses_and_their_values(self):
        self.assertEqual(
            Status.values,
            [
                "draft",
                "submitted",
                "under_review",
                "changes_requested",
                "accepted",
                "rejected",
                "superseded",
                "withdrawn",
            ],
        )

    def test_only_draft_and_changes_requested_are_editable(self):
        self.assertEqual(states.EDITABLE, frozenset({D, C}))

    def test_open_filings_are_those_on_their_way_through_review(self):
        self.assertEqual(states.OPEN, frozenset({D, S, R, C}))

    def test_awaiting_the_regulator_and_published(self):
        self.assertEqual(states.AWAITING_REGULATOR, frozenset({S, R}))
        self.assertEqual(states.PUBLISHED, frozenset({A, X, W}))

    def test_editable_filings_are_open_and_open_ones_are_never_published(self):
        self.assertLessEqual(states.EDITABLE, states.OPEN)
        self.assertEqual(states.OPEN & states.PUBLISHED, frozenset())
        self.assertNotIn(J, states.OPEN | states.PUBLISHED)

    def test_the_provider_submits_only_what_it_may_edit(self):
        self.assertEqual(states.TRANSITIONS["submit"].sources, states.EDITABLE)
