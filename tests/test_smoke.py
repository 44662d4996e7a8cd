from claims.services import claim_assess
from tests.factories import ClaimFactory


def test_assessing_a_claim_sets_its_status(db, analyst):
    claim = ClaimFactory()
    claim_assess(claim=claim, actor=analyst, status="disputed", rationale="Contradicted.")
    claim.refresh_from_db()
    assert claim.status == "disputed"
