"""The admin as the editors' workbench for claims: every page opens for an editor, the
roles get what they need and no more, and saves go through ``claims.services``."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from claims.models import (
    Actor,
    ActorAlias,
    ActorRole,
    Appearance,
    Assessment,
    AttributionStep,
    Claim,
    ClaimRelation,
    Evidence,
    Place,
    PlaceAlias,
    Quantity,
    Topic,
)
from claims.services import claim_assess, claim_update, claims_merge
from claimsbase.admin import VERSION_MISSING
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ActorRoleFactory,
    AppearanceFactory,
    AssessmentFactory,
    AttributionStepFactory,
    ClaimFactory,
    ClaimRelationFactory,
    EvidenceFactory,
    ExcerptFactory,
    OutletFactory,
    PlaceAliasFactory,
    PlaceFactory,
    QuantityFactory,
    SourceFactory,
    TopicFactory,
)
from tests.sources.test_admin import (
    admin_form_data,
    admin_status,
    admin_url,
    form_errors,
    inline_row,
)

FACTORIES = {
    Actor: ActorFactory,
    ActorAlias: ActorAliasFactory,
    ActorRole: ActorRoleFactory,
    Place: PlaceFactory,
    PlaceAlias: PlaceAliasFactory,
    Topic: TopicFactory,
    Claim: ClaimFactory,
    Appearance: AppearanceFactory,
    AttributionStep: AttributionStepFactory,
    Quantity: QuantityFactory,
    ClaimRelation: ClaimRelationFactory,
    Assessment: AssessmentFactory,
    Evidence: EvidenceFactory,
}
CLAIMS_MODELS = [
    pytest.param(model, id=model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label == "claims"
]
BODY = (
    "The general reported that forces had regained control of 24 settlements and 259 "
    "square kilometres. The commander said fighting continued around the town."
)


def changelist_action(client, action: str, claims, **fields):
    """Post an admin action on ``claims``: the first step, or with ``fields`` the second."""
    data = {"action": action, "_selected_action": [str(claim.pk) for claim in claims]}
    if fields:
        data.update(fields, apply="yes")
    else:
        data["index"] = "0"
    return client.post(admin_url(Claim, "changelist"), data)


# --- every page opens for an editor ----------------------------------------


def test_every_claims_model_is_registered():
    assert {param.values[0] for param in CLAIMS_MODELS} == set(FACTORIES)


@pytest.mark.parametrize("model", CLAIMS_MODELS)
def test_every_claims_admin_page_opens_for_an_editor(editor_client, model):
    obj = FACTORIES[model]()

    admin_status(editor_client.get(admin_url(model, "changelist")), 200)
    admin_status(editor_client.get(admin_url(model, "changelist"), {"q": "a"}), 200)
    # Assessments are appended by assessing a claim, never added by hand.
    admin_status(editor_client.get(admin_url(model, "add")), 403 if model is Assessment else 200)
    response = editor_client.get(admin_url(model, "change", obj.pk))
    admin_status(response, 200)
    assert str(obj) in response.content.decode()
    if model is not Assessment:
        admin_status(editor_client.get(admin_url(model, "history", obj.pk)), 200)


def test_an_editor_does_not_manage_users(editor_client):
    admin_status(editor_client.get(admin_url(get_user_model(), "changelist")), 403)


def test_claim_changelist_queries_do_not_grow_with_rows(
    editor_client, django_assert_max_num_queries
):
    topic = TopicFactory()
    # Expected queries, 15 whatever the number of rows: session, user, the admin role check
    # (twice), the user's and its groups' permissions (2), the topic and claimant filters'
    # choices (2), filtered and total counts (2), the claims with claimant and counts,
    # their quantities, their latest assessment, the date hierarchy's range and days (2).
    budget = 15
    QuantityFactory(claim=ClaimFactory(topics=[topic]))
    with django_assert_max_num_queries(budget):
        admin_status(editor_client.get(admin_url(Claim, "changelist")), 200)
    for _ in range(20):
        claim = ClaimFactory(topics=[topic])
        QuantityFactory(claim=claim)
        AppearanceFactory(claim=claim)
        AssessmentFactory(claim=claim)
    with django_assert_max_num_queries(budget):
        admin_status(editor_client.get(admin_url(Claim, "changelist")), 200)


# --- who may open the admin ------------------------------------------------------


@pytest.mark.parametrize("client_fixture", ["viewer_client", "client", "nobody"])
def test_viewers_users_without_a_role_and_anonymous_users_are_refused(db, request, client_fixture):
    if client_fixture == "nobody":
        client = request.getfixturevalue("client")
        client.force_login(request.getfixturevalue("nobody"))
    else:
        client = request.getfixturevalue(client_fixture)
    claim = ClaimFactory()

    for url in (
        reverse("admin:index"),
        admin_url(Claim, "changelist"),
        admin_url(Claim, "change", claim.pk),
        admin_url(Claim, "history", claim.pk),
    ):
        response = client.get(url)
        admin_status(response, 302)
        assert response["Location"].startswith(reverse("admin:login"))


def test_analysts_and_editors_sign_in_to_the_admin_without_being_staff(client, editor, viewer):
    url = reverse("admin:login")
    refused = client.post(url, {"username": viewer.username, "password": "not-used"})
    admin_status(refused, 200)
    assert "analyst or editor" in refused.content.decode()

    signed_in = client.post(url, {"username": editor.username, "password": "not-used"})
    admin_status(signed_in, 302)
    assert not editor.is_staff
    admin_status(client.get(reverse("admin:index")), 200)


# --- recording a claim on one page ---------------------------------------------------


def test_an_editor_records_a_claim_with_its_quantity_and_appearance_on_one_page(
    editor_client, editor
):
    claimant = ActorFactory(name="Valery Gerasimov")
    source = SourceFactory(body=BODY)
    data = admin_form_data(editor_client.get(admin_url(Claim, "add")))
    data.update(statement="Forces regained 24 settlements.", claimant=claimant.pk)
    inline_row(
        data,
        "quantities",
        value="259",
        unit="square kilometres",
        counted="territory",
        qualifier="exactly",
    )
    inline_row(data, "appearances", source=source.pk, quote="regained control of 24 settlements")

    admin_status(editor_client.post(admin_url(Claim, "add"), data), 302)

    claim = Claim.objects.get(statement="Forces regained 24 settlements.")
    assert claim.history.earliest().history_change_reason == "Created"
    assert claim.history.earliest().history_user == editor
    quantity = claim.quantities.get()
    assert (quantity.canonical_value, quantity.canonical_unit) == (259, "km²")
    excerpt = claim.appearances.get().excerpt
    assert BODY[excerpt.start : excerpt.end] == "regained control of 24 settlements"


def test_a_quote_not_in_the_source_is_a_row_error_and_writes_nothing(editor_client):
    source = SourceFactory(body=BODY)
    data = admin_form_data(editor_client.get(admin_url(Claim, "add")))
    data.update(statement="A claim never reported.", claimant=ActorFactory().pk)
    inline_row(data, "appearances", source=source.pk, quote="words nobody wrote")

    response = editor_client.post(admin_url(Claim, "add"), data)

    admin_status(response, 200)
    assert "This text does not occur in the source's body." in form_errors(response)
    assert not Claim.objects.exists()


def test_the_quantity_inline_shows_the_canonical_value(editor_client):
    quantity = QuantityFactory(value=100, unit="square miles", counted="territory")

    response = editor_client.get(admin_url(Claim, "change", quantity.claim.pk))

    content = response.content.decode()
    quantity.refresh_from_db()
    assert f"{quantity.canonical_value.normalize():f} km²" in content
    assert 'name="quantities-0-canonical_value"' not in content


def test_editing_a_claim_goes_through_claim_update_and_shows_in_its_history(editor_client):
    claim = ClaimFactory(statement="Forces regained 12 settlements.")
    url = admin_url(Claim, "change", claim.pk)
    data = admin_form_data(editor_client.get(url))
    data["statement"] = "Forces regained 24 settlements."

    admin_status(editor_client.post(url, data), 302)

    claim.refresh_from_db()
    assert (claim.statement, claim.version) == ("Forces regained 24 settlements.", 2)
    content = editor_client.get(admin_url(Claim, "history", claim.pk)).content.decode()
    assert "Forces regained 12 settlements." in content
    assert "Forces regained 24 settlements." in content
    assert "Changed by ed-editor" in content
    assert "<strong>Statement:</strong> Forces regained 12 settlements." in content


def test_the_admin_history_lists_no_save_that_changed_nothing(editor_client):
    claim = ClaimFactory(statement="Forces regained 12 settlements.")
    claim.save()  # the same values again
    url = admin_url(Claim, "change", claim.pk)
    data = admin_form_data(editor_client.get(url))
    data["statement"] = "Forces regained 24 settlements."
    admin_status(editor_client.post(url, data), 302)

    content = editor_client.get(admin_url(Claim, "history", claim.pk)).content.decode()

    body = content[content.index("<tbody>") : content.index("</tbody>")]
    assert body.count("<tr>") == 2  # recorded, then the edit; not the empty save between
    assert "Recorded" in body and "Changed by ed-editor" in body
    assert "Created" not in body


def test_saving_over_a_newer_edit_is_refused_and_keeps_it(editor_client, analyst):
    claim = ClaimFactory(statement="Original.")
    url = admin_url(Claim, "change", claim.pk)
    data = admin_form_data(editor_client.get(url))
    claim_update(claim=Claim.objects.get(pk=claim.pk), statement="Newer edit.")
    data["statement"] = "Edit made on the old page."

    response = editor_client.post(url, data)

    admin_status(response, 200)
    assert "This record was changed since you read it; reload it and retry." in form_errors(
        response
    )
    claim.refresh_from_db()
    assert claim.statement == "Newer edit."


def test_a_merged_claim_cannot_be_edited(editor_client, editor):
    duplicate, kept = ClaimFactory(), ClaimFactory()
    claims_merge(duplicate=duplicate, into=kept)
    url = admin_url(Claim, "change", duplicate.pk)

    admin_status(editor_client.get(url), 200)
    admin_status(editor_client.post(url, {"statement": "Rewritten"}), 403)


# --- relations ---------------------------------------------------------------------


def test_a_relation_added_inline_reads_contradicted_by_from_the_other_claim(editor_client):
    claim, counter = ClaimFactory(), ClaimFactory(statement="Fighting continues around Sudzha.")
    url = admin_url(Claim, "change", counter.pk)
    data = inline_row(
        admin_form_data(editor_client.get(url)),
        "relations_out",
        kind="contradicts",
        to_claim=str(claim.pk),
    )

    admin_status(editor_client.post(url, data), 302)

    relation = ClaimRelation.objects.get()
    assert (relation.from_claim, relation.to_claim) == (counter, claim)
    other_side = editor_client.get(admin_url(Claim, "change", claim.pk))
    inline = next(
        i for i in other_side.context["inline_admin_formsets"] if i.formset.prefix == "relations_in"
    )
    assert [inline.opts.wording(form.instance) for form in inline.formset.forms] == [
        "contradicted by"
    ]
    assert "Fighting continues around Sudzha." in other_side.content.decode()


def test_a_reverse_duplicate_of_a_symmetric_relation_is_a_row_error(editor_client):
    relation = ClaimRelationFactory(kind="contradicts")
    url = admin_url(Claim, "change", relation.to_claim.pk)
    data = inline_row(
        admin_form_data(editor_client.get(url)),
        "relations_out",
        kind="contradicts",
        to_claim=str(relation.from_claim.pk),
    )

    response = editor_client.post(url, data)

    admin_status(response, 200)
    assert "This relation between these claims is already recorded." in form_errors(response)
    assert ClaimRelation.objects.count() == 1


def test_deleting_a_relation_inline_unlinks_it(editor_client):
    relation = ClaimRelationFactory(kind="supports")
    url = admin_url(Claim, "change", relation.from_claim.pk)
    data = admin_form_data(editor_client.get(url))
    data["relations_out-0-DELETE"] = "on"

    admin_status(editor_client.post(url, data), 302)

    assert not ClaimRelation.objects.exists()
    assert ClaimRelation.history.latest().history_change_reason == "Unlinked"


def test_an_analyst_relates_claims_but_cannot_edit_them(analyst_client, analyst):
    claim, counter = ClaimFactory(statement="Original."), ClaimFactory()

    added = analyst_client.post(
        admin_url(ClaimRelation, "add"),
        {"from_claim": counter.pk, "to_claim": claim.pk, "kind": "contradicts", "note": ""},
    )
    admin_status(added, 302)
    assert ClaimRelation.objects.get().created_by == analyst

    url = admin_url(Claim, "change", claim.pk)
    admin_status(analyst_client.get(url), 200)
    admin_status(analyst_client.post(url, {"statement": "Rewritten."}), 403)
    admin_status(analyst_client.get(admin_url(Claim, "add")), 403)
    claim.refresh_from_db()
    assert claim.statement == "Original."


def test_an_analyst_adds_evidence(analyst_client, analyst):
    claim = ClaimFactory()

    response = analyst_client.post(
        admin_url(Evidence, "add"),
        {"claim": claim.pk, "stance": "refutes", "url": "https://example.org/report", "note": ""},
    )

    admin_status(response, 302)
    evidence = claim.evidence.get()
    assert (evidence.stance, evidence.added_by) == ("refutes", analyst)


# --- assessing -----------------------------------------------------------------------


def test_the_assess_action_shows_its_form_first(analyst_client):
    claims = [ClaimFactory(statement="Forces took <b>Sudzha</b>."), ClaimFactory()]

    response = changelist_action(analyst_client, "assess", claims)

    admin_status(response, 200)
    content = response.content.decode()
    assert 'name="rationale"' in content
    assert "Forces took &lt;b&gt;Sudzha&lt;/b&gt;." in content
    assert not Assessment.objects.exists()


def test_an_analyst_assesses_selected_claims(analyst_client, analyst):
    claims = [ClaimFactory(), ClaimFactory()]

    response = changelist_action(
        analyst_client,
        "assess",
        claims,
        status="disputed",
        credibility="4",
        reliability="",
        rationale="Contradicted by the other side; no independent confirmation.",
    )

    admin_status(response, 302)
    for claim in claims:
        claim.refresh_from_db()
        assessment = claim.assessments.get()
        assert claim.status == assessment.status == "disputed"
        assert (assessment.credibility, assessment.assessed_by) == (4, analyst)
    assert claims[0].history.latest().history_change_reason == "Assessed disputed"


def test_an_assessment_without_a_rationale_is_refused_and_writes_nothing(analyst_client):
    claim = ClaimFactory()

    response = changelist_action(
        analyst_client, "assess", [claim], status="verified", credibility="1", rationale=""
    )

    admin_status(response, 200)
    assert response.context["form"].errors["rationale"]
    assert not Assessment.objects.exists()
    claim.refresh_from_db()
    assert claim.status == "unverified"


def test_assessments_are_history_that_nobody_changes(client, analyst_client, editor, analyst):
    assessment = claim_assess(
        claim=ClaimFactory(), by=analyst, status="disputed", rationale="Unconfirmed."
    )
    superuser = get_user_model().objects.create_superuser("root", password="not-used")
    client.force_login(superuser)

    for user_client in (client, analyst_client):
        admin_status(user_client.get(admin_url(Assessment, "change", assessment.pk)), 200)
        admin_status(user_client.get(admin_url(Assessment, "add")), 403)
        admin_status(
            user_client.post(admin_url(Assessment, "change", assessment.pk), {"status": "false"}),
            403,
        )
        admin_status(user_client.post(admin_url(Assessment, "delete", assessment.pk)), 403)
    assessment.refresh_from_db()
    assert assessment.status == "disputed"


def test_the_claim_page_shows_its_assessments_as_read_only_history(editor_client, analyst):
    claim = ClaimFactory()
    claim_assess(claim=claim, by=analyst, status="disputed", rationale="Unconfirmed <i>yet</i>.")

    response = editor_client.get(admin_url(Claim, "change", claim.pk))

    content = response.content.decode()
    assert "Unconfirmed &lt;i&gt;yet&lt;/i&gt;." in content
    assert 'name="assessments-TOTAL_FORMS"' in content
    assert 'name="assessments-0-rationale"' not in content


# --- merging -------------------------------------------------------------------------


def test_an_editor_merges_selected_claims_into_one(editor_client):
    kept, duplicate = ClaimFactory(), ClaimFactory()
    AppearanceFactory(claim=duplicate)

    response = changelist_action(
        editor_client, "merge", [kept, duplicate], into=str(kept.pk), note="Same report."
    )

    admin_status(response, 302)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept
    assert kept.appearances.count() == 1


def test_an_analyst_cannot_merge_claims(analyst_client):
    kept, duplicate = ClaimFactory(), ClaimFactory()

    changelist_action(analyst_client, "merge", [kept, duplicate], into=str(kept.pk))

    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


# --- appearances and their attribution chain -------------------------------------------


def test_the_claim_page_links_each_appearance_to_its_chain(editor_client):
    appearance = AppearanceFactory()

    response = editor_client.get(admin_url(Claim, "change", appearance.claim.pk))

    assert admin_url(Appearance, "change", appearance.pk) in response.content.decode()


def test_the_attribution_chain_is_recorded_on_the_appearance_page(editor_client):
    appearance = AppearanceFactory()
    speaker = ActorFactory(name="Valery Gerasimov")
    url = admin_url(Appearance, "change", appearance.pk)
    data = inline_row(
        admin_form_data(editor_client.get(url)),
        "chain",
        position="0",
        actor=str(speaker.pk),
        label="briefing to Putin",
        fidelity="original",
    )

    admin_status(editor_client.post(url, data), 302)

    step = appearance.chain.get()
    assert (step.actor, step.label, step.position) == (speaker, "briefing to Putin", 0)
    content = editor_client.get(admin_url(Claim, "change", appearance.claim.pk)).content
    assert "briefing to Putin" in content.decode()


def test_changing_a_relations_kind_inline_relinks_it(editor_client):
    relation = ClaimRelationFactory(kind="supports")
    url = admin_url(Claim, "change", relation.from_claim.pk)
    data = admin_form_data(editor_client.get(url))
    data["relations_out-0-kind"] = "contradicts"

    admin_status(editor_client.post(url, data), 302)

    relinked = ClaimRelation.objects.get()
    assert (relinked.from_claim, relinked.to_claim) == (relation.from_claim, relation.to_claim)
    assert relinked.kind == "contradicts"


def test_the_claim_picker_offers_only_claims_that_were_not_merged(editor_client, editor):
    kept = ClaimFactory(statement="Sudzha was retaken.")
    duplicate = ClaimFactory(statement="Sudzha was retaken, officials said.")
    claims_merge(duplicate=duplicate, into=kept)
    params = {
        "term": "Sudzha",
        "app_label": "claims",
        "model_name": "claimrelation",
        "field_name": "to_claim",
    }

    response = editor_client.get(reverse("admin:autocomplete"), params)

    admin_status(response, 200)
    assert [row["id"] for row in response.json()["results"]] == [str(kept.pk)]


# --- derived and unique fields give form errors, not server errors ----------------------


@pytest.mark.parametrize(
    ("model", "existing", "post", "message"),
    [
        pytest.param(
            Actor,
            lambda: ActorFactory(name="Oleksandr Syrskyi", kind="person"),
            lambda _: {"name": "Oleksandr Syrskyi", "kind": "person"},
            "An actor of this kind with this name already exists.",
            id="actor",
        ),
        pytest.param(
            Place,
            lambda: PlaceFactory(name="Kursk Oblast", kind="region"),
            lambda _: {"name": "Kursk Oblast", "kind": "region"},
            "A top-level place with this name already exists.",
            id="top-level-place",
        ),
        pytest.param(
            ActorAlias,
            lambda: ActorAliasFactory(name="Syrsky"),
            lambda alias: {"actor": alias.actor.pk, "name": "Syrsky"},
            "This actor already has this alias.",
            id="actor-alias",
        ),
        pytest.param(
            Topic,
            lambda: TopicFactory(name="Kursk incursion"),
            lambda _: {"name": "Kursk incursion"},
            "Topic with this Name already exists.",
            id="topic",
        ),
    ],
)
def test_a_duplicate_entered_in_the_admin_is_a_form_error(
    editor_client, model, existing, post, message
):
    obj = existing()
    data = admin_form_data(editor_client.get(admin_url(model, "add")))
    data.update(post(obj))

    response = editor_client.post(admin_url(model, "add"), data)

    admin_status(response, 200)
    assert form_errors(response) == [message]
    assert model.objects.count() == 1


# --- the roles hold exactly what the admin needs -------------------------------------


def _codenames(user) -> set[str]:
    return {perm.split(".", 1)[1] for perm in user.get_all_permissions()}


def test_a_viewer_holds_only_view_permissions(viewer):
    assert _codenames(viewer)
    assert all(codename.startswith("view_") for codename in _codenames(viewer))


def test_an_analyst_writes_only_assessments_relations_and_evidence(analyst):
    writes = {c for c in _codenames(analyst) if not c.startswith("view_")}

    assert writes == {
        "add_assessment",
        "add_claimrelation",
        "change_claimrelation",
        "delete_claimrelation",
        "add_evidence",
        "change_evidence",
        "delete_evidence",
    }


def test_an_editor_may_write_everything_but_assessment_history(editor):
    codenames = _codenames(editor)
    for model in [*FACTORIES, *(m for m in admin.site._registry if m._meta.app_label == "sources")]:
        name = model._meta.model_name
        expected = {f"view_{name}", f"add_{name}"}
        if model is not Assessment:
            expected |= {f"change_{name}", f"delete_{name}"}
        assert expected <= codenames, name
    assert {"change_assessment", "delete_assessment"}.isdisjoint(codenames)
    assert "merge_claim" in codenames


# --- the worked example ----------------------------------------------------------------


def test_the_seed_claim_page_shows_its_numbers_chain_and_counter_claim(seed, editor_client):
    claim = Claim.objects.get(statement__startswith="Russian forces have regained control of 24")
    counter = Claim.objects.get(statement__startswith="Battles are going on in and around Sudzha")

    admin_status(editor_client.get(admin_url(Claim, "changelist")), 200)
    response = editor_client.get(admin_url(Claim, "change", claim.pk))

    admin_status(response, 200)
    content = response.content.decode()
    assert "km²" in content
    assert "TASS" in content
    assert "contradicted by" in content
    assert admin_url(Claim, "change", counter.pk) in content


def test_an_editor_deletes_selected_claims_and_their_history_remains(editor_client):
    claims = [ClaimFactory(), ClaimFactory()]
    AppearanceFactory(claim=claims[0])

    response = changelist_action(editor_client, "delete_selected", claims, post="yes")

    admin_status(response, 302)
    assert not Claim.objects.exists()
    assert Claim.history.filter(history_type="-").count() == 2


# --- judgements are never destroyed ----------------------------------------------------


def test_the_delete_page_of_a_judged_claim_says_why_and_deletes_nothing(editor_client, analyst):
    claim = ClaimFactory()
    claim_assess(claim=claim, by=analyst, status="disputed", rationale="Denied.")
    url = admin_url(Claim, "delete", claim.pk)

    page = editor_client.get(url)
    posted = editor_client.post(url, {"post": "yes"})

    for response in (page, posted):
        admin_status(response, 200)
        content = response.content.decode()
        assert "This claim cannot be deleted: it has 1 assessment." in content
        assert "assess it as retracted, or merge it into the claim it duplicates" in content
        assert "Yes, I’m sure" not in content
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_deleting_selected_claims_refuses_all_when_one_is_judged(editor_client, analyst):
    judged, unjudged = ClaimFactory(), ClaimFactory()
    EvidenceFactory(claim=judged)

    response = changelist_action(editor_client, "delete_selected", [judged, unjudged], post="yes")

    admin_status(response, 200)
    assert "it has 1 piece of evidence" in response.content.decode()
    assert Claim.objects.count() == 2


def test_the_delete_page_of_a_topic_with_claims_says_why(editor_client):
    topic = TopicFactory()
    claim = ClaimFactory(topics=[topic])

    response = editor_client.post(admin_url(Topic, "delete", topic.pk), {"post": "yes"})

    admin_status(response, 200)
    assert "This topic cannot be deleted: it has 1 claim in it." in response.content.decode()
    assert list(claim.topics.all()) == [topic]


def test_an_assessments_history_page_shows_who_recorded_it(editor_client, analyst):
    assessment = claim_assess(
        claim=ClaimFactory(), by=analyst, status="disputed", rationale="Denied."
    )
    response = editor_client.get(admin_url(Assessment, "history", assessment.pk))
    admin_status(response, 200)
    assert "ana-analyst" in response.content.decode()


# --- every edit form carries the version it showed -------------------------------------


def test_a_change_form_sent_without_its_version_is_refused(editor_client):
    claim = ClaimFactory(statement="Original.")
    url = admin_url(Claim, "change", claim.pk)
    data = admin_form_data(editor_client.get(url))
    assert data["expected_version"] == 1
    del data["expected_version"]
    data["statement"] = "Edited without a version."

    response = editor_client.post(url, data)

    admin_status(response, 200)
    assert VERSION_MISSING in form_errors(response)
    claim.refresh_from_db()
    assert (claim.statement, claim.version) == ("Original.", 1)


def test_an_inline_row_carries_its_version_and_is_refused_without_it(editor_client):
    claim = ClaimFactory()
    quantity = QuantityFactory(claim=claim, counted="settlements")
    AppearanceFactory(claim=claim)
    url = admin_url(Claim, "change", claim.pk)
    page = editor_client.get(url)
    content = page.content.decode()
    for name in ("expected_version", "quantities-0-expected_version"):
        assert f'type="hidden" name="{name}" value="1"' in content, name
    assert 'name="appearances-0-expected_version"' in content  # stacked rows too
    data = admin_form_data(page)
    assert data["quantities-0-expected_version"] == 1
    data["quantities-0-counted"] = "villages"
    del data["quantities-0-expected_version"]

    response = editor_client.post(url, data)

    admin_status(response, 200)
    assert VERSION_MISSING in form_errors(response)
    quantity.refresh_from_db()
    assert quantity.counted == "settlements"


def test_an_inline_row_edited_over_a_newer_edit_is_refused(editor_client):
    claim = ClaimFactory()
    quantity = QuantityFactory(claim=claim, counted="settlements")
    url = admin_url(Claim, "change", claim.pk)
    data = admin_form_data(editor_client.get(url))
    quantity.counted = "towns"
    quantity.save_validated(reason="Edited elsewhere")
    data["quantities-0-counted"] = "villages"

    response = editor_client.post(url, data)

    admin_status(response, 200)
    assert "This record was changed since you read it; reload it and retry." in form_errors(
        response
    )
    quantity.refresh_from_db()
    assert quantity.counted == "towns"


# --- change pages that stay light as a record grows ---------------------------


def _claim_with(n: int) -> Claim:
    claim = ClaimFactory(
        places=[PlaceFactory() for _ in range(n)],
        actors=[ActorFactory() for _ in range(n)],
        topics=[TopicFactory() for _ in range(n)],
    )
    for index in range(n):
        appearance = AppearanceFactory(claim=claim)
        AttributionStepFactory(appearance=appearance, position=0)
        QuantityFactory(claim=claim, value=index + 1, unit="square miles", counted="territory")
        ClaimRelationFactory(from_claim=claim)
        ClaimRelationFactory(to_claim=claim)
        EvidenceFactory(claim=claim, source=appearance.source)
        AssessmentFactory(claim=claim)
    return claim


def _source_with(n: int):
    source = SourceFactory(body=" ".join(f"Sentence number {i}." for i in range(n)))
    for index in range(n):
        ExcerptFactory(source=source, start=source.body.index(f"number {index}."), exact="number")
    return source


def _actor_with(n: int) -> Actor:
    actor = ActorFactory()
    for _ in range(n):
        ActorAliasFactory(actor=actor)
        ActorRoleFactory(actor=actor)
    return actor


def _place_with(n: int) -> Place:
    place = PlaceFactory(parent=PlaceFactory())
    for _ in range(n):
        PlaceAliasFactory(place=place)
    return place


# (what to make with n rows in each inline, the query budget of its change page)
CHANGE_PAGES = [
    # session, user, groups, permissions (2), the claim (+ claimant); appearances (+ source,
    # excerpt, chains); quantities; relations out, relations in (+ the other claims);
    # evidence (+ assessment, added by); assessments; the claimant, actors, places, topics
    # chosen (autocomplete widgets show only what is chosen); the version check
    (_claim_with, 30),
    # session, user, groups, permissions (2), the source (+ outlet), its excerpts, the
    # outlet and citations chosen
    (_source_with, 12),
    (_actor_with, 12),
    (_place_with, 12),
    (lambda n: TopicFactory(), 10),
    (lambda n: OutletFactory(), 10),
]


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize(("make", "budget"), CHANGE_PAGES, ids=lambda v: getattr(v, "__name__", v))
def test_a_change_page_keeps_its_query_budget_whatever_its_rows(
    editor_client, django_assert_max_num_queries, make, budget, rows
):
    record = make(rows)
    url = admin_url(record, "change", record.pk)

    with django_assert_max_num_queries(budget):
        response = editor_client.get(url)

    admin_status(response, 200)


def test_no_admin_form_holds_a_select_of_a_whole_table(rf, editor):
    """Records are picked through autocomplete or by id, never from a list of every row."""
    from django import forms
    from django.contrib.admin.widgets import AutocompleteMixin, ForeignKeyRawIdWidget

    small = {"Permission", "Group", "ContentType"}  # fixed vocabularies, not data
    request = rf.get("/")
    request.user = editor
    unbounded = []
    for model, model_admin in admin.site._registry.items():
        form_classes = [(model.__name__, model_admin.get_form(request, None))]
        form_classes += [
            (f"{model.__name__} › {inline.model.__name__}", inline.get_formset(request).form)
            for inline in model_admin.get_inline_instances(request)
        ]
        for where, form_class in form_classes:
            for name, field in form_class.base_fields.items():
                if not isinstance(field, forms.ModelChoiceField):
                    continue
                widget = getattr(field.widget, "widget", field.widget)
                picked = isinstance(widget, AutocompleteMixin | ForeignKeyRawIdWidget)
                if not picked and field.queryset.model.__name__ not in small:
                    unbounded.append(f"{where}.{name}")
    assert not unbounded


def test_a_change_page_sent_back_with_a_malformed_pick_shows_the_error(editor_client):
    claim = ClaimRelationFactory().from_claim
    url = admin_url(Claim, "change", claim.pk)
    data = admin_form_data(editor_client.get(url))
    data["relations_out-0-to_claim"] = "not a number"

    response = editor_client.post(url, data)

    admin_status(response, 200)
    assert any(error.startswith("Select a valid choice") for error in form_errors(response))
