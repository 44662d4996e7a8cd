"""One factory per model. Related rows come from SubFactory; names are sequences."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

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
from claims.services import claims_reindex, claims_reindex_naming
from sources.models import Excerpt, Outlet, Source

BODY = (
    "The general reported that forces had regained control of 24 settlements. "
    "The commander said fighting continued around the town."
)


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet

    name = factory.Sequence(lambda n: f"Outlet {n}")
    domain = factory.Sequence(lambda n: f"outlet{n}.example")
    kind = Outlet.Kind.NEWS_SITE
    reliability = "C"


class SourceFactory(factory.django.DjangoModelFactory):
    """A source saved through ``full_clean()`` so its derived fields are set."""

    class Meta:
        model = Source

    outlet = factory.SubFactory(OutletFactory)
    title = factory.Sequence(lambda n: f"Article {n}")
    url = factory.Sequence(lambda n: f"https://news.example/articles/{n}")
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    body = factory.Sequence(lambda n: f"{BODY} (copy {n})")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        source = model_class(*args, **kwargs)
        source.full_clean()
        source.save()
        return source


class ExcerptFactory(factory.django.DjangoModelFactory):
    """An excerpt of the first words of its source's body."""

    class Meta:
        model = Excerpt

    source = factory.SubFactory(SourceFactory)
    start = 0
    exact = factory.LazyAttribute(lambda o: o.source.body[o.start : o.start + 40])
    end = factory.LazyAttribute(lambda o: o.start + len(o.exact))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        excerpt = model_class(*args, **kwargs)
        excerpt.full_clean()
        excerpt.save()
        return excerpt


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Actor {n}")
    kind = Actor.Kind.PERSON


class ActorAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActorAlias
        skip_postgeneration_save = True

    actor = factory.SubFactory(ActorFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")

    @factory.post_generation
    def search_documents(self, create, extracted, **kwargs):
        if create:
            claims_reindex_naming(actors=[self.actor])


class ActorRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActorRole

    actor = factory.SubFactory(ActorFactory)
    title = "Chief of the General Staff"
    start = datetime.date(2012, 11, 9)


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Place {n}")
    kind = Place.Kind.SETTLEMENT


class PlaceAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlaceAlias
        skip_postgeneration_save = True

    place = factory.SubFactory(PlaceFactory)
    name = factory.Sequence(lambda n: f"Place alias {n}")

    @factory.post_generation
    def search_documents(self, create, extracted, **kwargs):
        if create:
            claims_reindex_naming(places=[self.place])


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim
        skip_postgeneration_save = True

    statement = factory.Sequence(lambda n: f"Forces regained control of {n} settlements.")
    claimant = factory.SubFactory(ActorFactory)
    asserted_on = datetime.date(2025, 3, 12)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)

    @factory.post_generation
    def places(self, create, extracted, **kwargs):
        if create and extracted:
            self.places.set(extracted)

    @factory.post_generation
    def actors(self, create, extracted, **kwargs):
        if create and extracted:
            self.actors.set(extracted)

    @factory.post_generation
    def search_document(self, create, extracted, **kwargs):
        # As the services do after every write that changes a claim's words.
        if create:
            claims_reindex(claim_ids=[self.pk])


class AppearanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appearance
        skip_postgeneration_save = True

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    excerpt = factory.SubFactory(ExcerptFactory, source=factory.SelfAttribute("..source"))

    @factory.post_generation
    def search_document(self, create, extracted, **kwargs):
        if create:
            claims_reindex(claim_ids=[self.claim_id])


class AttributionStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttributionStep

    appearance = factory.SubFactory(AppearanceFactory)
    position = factory.Sequence(lambda n: n)
    actor = factory.SubFactory(ActorFactory)
    fidelity = AttributionStep.Fidelity.PARAPHRASE


class QuantityFactory(factory.django.DjangoModelFactory):
    """A quantity saved through ``full_clean()`` so its canonical value is set."""

    class Meta:
        model = Quantity

    claim = factory.SubFactory(ClaimFactory)
    value = Decimal("24")
    unit = ""
    counted = "settlements regained"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        quantity = model_class(*args, **kwargs)
        quantity.full_clean()
        quantity.save()
        return quantity


class ClaimRelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClaimRelation

    from_claim = factory.SubFactory(ClaimFactory)
    to_claim = factory.SubFactory(ClaimFactory)
    kind = ClaimRelation.Kind.CONTRADICTS


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A bare assessment row. Tests of status use ``claim_assess``, which also sets it."""

    class Meta:
        model = Assessment

    claim = factory.SubFactory(ClaimFactory)
    status = "disputed"
    credibility = 3
    reliability = "C"
    rationale = "Not confirmed by independent sources."


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    stance = Evidence.Stance.CONTEXT
    url = factory.Sequence(lambda n: f"https://evidence.example/{n}")
