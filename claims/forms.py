"""Forms for claims: assessing, relating, comparing, and recording a claim from a source.

Forms check the shape of what was typed; the rules (the quote must be in the
body at that offset, units must be known, ...) are the services' and come
back as errors next to these fields.
"""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy

from claims.models import (
    Actor,
    Claim,
    ClaimRelation,
    Credibility,
    Evidence,
    Place,
    Quantity,
    Topic,
    VerificationStatus,
)
from claimsbase.filters import RecordPicker
from sources.models import Outlet, Reliability, Source

RELIABILITY_CHOICES = [("", "From whoever the claim comes from"), *Reliability.choices]
# No stance is assumed: evidence recorded as supporting by default would
# silently turn a refutation into support when the analyst does not notice.
# Sources are found by their title, outlet and date as one types, never by number.
SOURCE_PICKER = RecordPicker(
    search_url="sources-api:source-list", queryset=Source.objects.select_related("outlet")
)
SOURCE_HELP = "Type words of its title; the list shows each source's outlet and date."
STANCE_CHOICES = [("", "Choose: supports, refutes or context"), *Evidence.Stance.choices]


class AssessmentForm(forms.Form):
    """A verification judgement, as ``claims.services.claim_assess`` takes it."""

    status = forms.ChoiceField(choices=VerificationStatus.choices)
    credibility = forms.TypedChoiceField(
        choices=Credibility.choices,
        coerce=int,
        initial=Credibility.CANNOT_BE_JUDGED,
        help_text="Credibility of the information on the Admiralty scale (1 best).",
    )
    reliability = forms.ChoiceField(
        choices=RELIABILITY_CHOICES,
        required=False,
        help_text=(
            "Admiralty grade (A–F) of whoever the claim comes from: proposed from the first "
            "step of its attribution chain, or from the claimant, not from the relaying outlet."
        ),
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why this status: what was checked and what was found.",
    )


class ClaimMergeForm(forms.Form):
    """Which of the chosen claims the others duplicate, as ``claims_merge`` takes it."""

    into = forms.ModelChoiceField(
        queryset=Claim.objects.none(),
        label="Keep",
        help_text="The other chosen claims are merged into this one.",
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why these claims are the same assertion.",
    )

    def __init__(self, *args, claims, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = claims


# --- forms of the analysts' pages ------------------------------------------


class AssessmentWithEvidenceForm(AssessmentForm):
    """The claim page's assess form: the admin's fields plus one optional piece of evidence."""

    evidence_stance = forms.ChoiceField(
        label="Evidence stance", choices=STANCE_CHOICES, required=False
    )
    evidence_url = forms.URLField(
        label="Evidence URL", required=False, max_length=2000, assume_scheme="https"
    )
    evidence_source = forms.ModelChoiceField(
        label="Evidence source",
        queryset=Source.objects.all(),
        required=False,
        widget=SOURCE_PICKER,
        help_text=SOURCE_HELP,
    )
    evidence_note = forms.CharField(
        label="Evidence note", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        given = data.get("evidence_url") or data.get("evidence_source")
        if given and not data.get("evidence_stance"):
            self.add_error(
                "evidence_stance", "Say whether this evidence supports or refutes the claim."
            )
        return data

    def evidence(self) -> list[dict]:
        """The evidence rows for ``claim_assess``: one if a URL or a source was given."""
        data = self.cleaned_data
        if not (data.get("evidence_url") or data.get("evidence_source")):
            return []
        return [
            {
                "stance": data["evidence_stance"],
                "url": data.get("evidence_url", ""),
                "source": data.get("evidence_source"),
                "note": data.get("evidence_note", ""),
            }
        ]


class ClaimLinkForm(forms.Form):
    """Relate the claim being viewed to another: "this claim <kind> the other claim"."""

    kind = forms.ChoiceField(
        label="This claim",
        choices=ClaimRelation.Kind.choices,
        initial=ClaimRelation.Kind.CONTRADICTS,
    )
    to_claim = forms.ModelChoiceField(
        label="Other claim (number)",
        queryset=Claim.objects.active(),
        widget=forms.NumberInput(attrs={"min": 1}),
        help_text="Find it with the search box, or type its number.",
        error_messages={"invalid_choice": "No claim has this number (or it was merged)."},
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, claim: Claim | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.claim = claim


class EvidenceForm(forms.Form):
    stance = forms.ChoiceField(label="Stance", choices=STANCE_CHOICES)
    url = forms.URLField(label="URL", required=False, max_length=2000, assume_scheme="https")
    source = forms.ModelChoiceField(
        label="Source",
        queryset=Source.objects.all(),
        required=False,
        widget=SOURCE_PICKER,
        help_text=SOURCE_HELP,
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AppearanceForm(forms.Form):
    """Another source reporting this claim: the source, its words, and who said it to whom."""

    source = forms.ModelChoiceField(
        label="Source",
        queryset=Source.objects.only("id", "title"),
        widget=RecordPicker(
            search_url="sources-api:source-list", queryset=Source.objects.only("id", "title")
        ),
        help_text="Type words of its title, outlet or address and pick it (or type its number).",
        error_messages={"invalid_choice": "No source has this number."},
    )
    exact = forms.CharField(
        label="Quote from the source",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The words exactly as they stand in the source's text (optional).",
    )
    start = forms.IntegerField(
        label="Where the quote starts (character offset)",
        required=False,
        min_value=0,
        help_text="Needed only if the words occur more than once.",
    )
    chain = forms.CharField(
        label="Attribution chain",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "One step per line, original speaker first: the name of a recorded actor or "
            "outlet, or what the step was (“briefing to Putin”)."
        ),
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_chain(self) -> list[dict]:
        """Each line as a step: an actor or outlet known by exactly that name, else a label."""
        steps = []
        for line in self.cleaned_data["chain"].splitlines():
            line = line.strip()
            if not line:
                continue
            if len(line) > 200:
                raise forms.ValidationError("A step is at most 200 characters.")
            actors = list(Actor.objects.named(line).only("id")[:2])
            outlets = [] if actors else list(Outlet.objects.filter(name__iexact=line)[:2])
            if len(actors) == 1:
                steps.append({"actor": actors[0]})
            elif len(outlets) == 1:
                steps.append({"outlet": outlets[0]})
            else:  # unknown, or several records share the name: the words themselves
                steps.append({"label": line})
        return steps


# Claims are found by the words of their statement as one types (the claim picker's search).
CLAIM_PICKER_HELP = "Type words of the statement, a claimant or a place, or the claim's number."


def claim_picker() -> RecordPicker:
    return RecordPicker(search_url="claims:claim_search", queryset=Claim.objects.for_picker())


class ClaimCompareForm(forms.Form):
    """Two claims to compare, each found by type-ahead (or its number); the page's
    ``?as_of=`` (``claimsbase.as_of``) says on which day."""

    a = forms.ModelChoiceField(
        label="First claim",
        queryset=Claim.objects.all(),
        widget=claim_picker(),
        help_text=CLAIM_PICKER_HELP,
        error_messages={"invalid_choice": "No claim has this number."},
    )
    b = forms.ModelChoiceField(
        label="Second claim",
        queryset=Claim.objects.all(),
        widget=claim_picker(),
        help_text=CLAIM_PICKER_HELP,
        error_messages={"invalid_choice": "No claim has this number."},
    )


class FiguresForm(forms.Form):
    """Whose figures the list of conflicting figures compares: a topic's or a place's."""

    topic = forms.ModelChoiceField(
        queryset=Topic.objects.all(),
        required=False,
        error_messages={"invalid_choice": "No topic has this number."},
    )
    place = forms.ModelChoiceField(
        queryset=Place.objects.all(),
        required=False,
        error_messages={"invalid_choice": "No place has this number."},
    )

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("topic")) == bool(data.get("place")):
            raise forms.ValidationError("Choose a topic or a place (?topic= or ?place=).")
        return data


class FiguresContradictForm(forms.Form):
    """Two claims whose figures conflict, to be recorded as contradicting each other."""

    first = forms.ModelChoiceField(queryset=Claim.objects.active())
    second = forms.ModelChoiceField(queryset=Claim.objects.active())
    next = forms.CharField(required=False)


# --- recording a claim from a source's text ---------------------------------


def _names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


class NamesField(forms.CharField):
    """Records given by name, comma-separated: found by name or alias, or created by the service.

    Typing names works with or without JavaScript and never renders a whole
    table as options; the page script looks up the name being typed through
    ``search`` (the API list of that kind of record, searched with ``?q=``).
    """

    def __init__(self, *, search: str, **kwargs):
        attrs = {"data-names-url": reverse_lazy(search), "autocomplete": "off"}
        super().__init__(widget=forms.TextInput(attrs=attrs), **kwargs)

    def to_python(self, value) -> list[str]:
        return _names(super().to_python(value))

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value


class ClaimChoiceField(forms.ModelChoiceField):
    """A claim among a few offered on the page, checked against every active claim."""

    widget = forms.RadioSelect

    def __init__(self, **kwargs):
        super().__init__(queryset=Claim.objects.active(), required=False, **kwargs)

    def offer(self, claims, *, none: str) -> None:
        """Show only these claims (and ``none``), not the whole table."""
        self.widget.choices = [("", none), *[(c.pk, f"#{c.pk}: {c.statement}") for c in claims]]


class ClaimCaptureForm(forms.Form):
    """A claim, its excerpt in this source and its chain, and what it is about, in one form.

    One form per suggestion card of the intake screen, and the form an
    editor fills from a selection of the text.
    """

    exact = forms.CharField(
        label="Quote from the article",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Select a sentence in the text above, or type the words exactly as written.",
    )
    start = forms.IntegerField(
        label="Where the quote starts (character offset)",
        required=False,
        min_value=0,
        help_text="Filled in when you select text; needed only if the words occur twice.",
    )
    statement = forms.CharField(
        label="Statement",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="The assertion in your own words (not needed when adding to a recorded claim).",
    )
    claimant = forms.CharField(
        label="Claimant",
        max_length=500,
        help_text=(
            "Who asserts it: a name or alias; a new name creates the actor "
            "(Oleksandr Syrskyi = Syrsky records an alias too)."
        ),
        widget=forms.TextInput(
            attrs={"data-names-url": reverse_lazy("claims-api:actor-list"), "autocomplete": "off"}
        ),
    )
    claimant_kind = forms.ChoiceField(
        label="If new, the claimant is",
        choices=Actor.Kind.choices,
        initial=Actor.Kind.PERSON,
    )
    relays = NamesField(
        search="claims-api:actor-list",
        label="Reported through",
        required=False,
        help_text="Who relayed it, in order, comma-separated (TASS, Reuters).",
    )
    asserted_on = forms.DateField(
        label="Asserted on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    places = NamesField(
        search="claims-api:place-list",
        label="Places it is about",
        required=False,
        help_text=(
            "Comma-separated names or aliases; a new name creates the place. "
            "Add other spellings after = (Kupiansk = Kupyansk) to record them as aliases."
        ),
    )
    actors = NamesField(search="claims-api:actor-list", label="Actors it is about", required=False)
    topics = NamesField(search="claims-api:topic-list", label="Topics", required=False)
    into = ClaimChoiceField(label="Already recorded?")
    relation_kind = forms.ChoiceField(
        label="This claim",
        required=False,
        choices=[("", "is not linked to another claim"), *ClaimRelation.Kind.choices],
    )
    related = ClaimChoiceField(label="The other claim")

    def __init__(self, *args, similar=(), recorded=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].offer(similar, none="No: record a new claim")
        # The claims recorded from this source, and the claimant's similar recorded claims.
        shown = {claim.pk for claim in recorded}
        others = [claim for claim in similar if claim.pk not in shown]
        self.fields["related"].offer([*recorded, *others], none="None")

    def clean(self):
        data = super().clean()
        if not data.get("into") and not data.get("statement"):
            self.add_error("statement", "State the claim in your own words.")
        if data.get("relation_kind") and not data.get("related"):
            self.add_error("related", "Choose the claim this one is linked to.")
        return data

    def capture_fields(self) -> dict:
        """The keyword arguments of ``claims.services.claim_capture`` (without the source)."""
        data = self.cleaned_data
        names = ("exact", "start", "statement", "claimant_kind", "relays", "asserted_on")
        return {
            **{name: data[name] for name in names},
            **{name: data[name] for name in ("places", "actors", "topics", "into")},
            "claimant_name": data["claimant"],
            "relation_kind": data["relation_kind"],
            "related": data["related"],
        }


class QuantityForm(forms.ModelForm):
    """One number the claim asserts; left blank, the row is ignored."""

    class Meta:
        model = Quantity
        fields = ["qualifier", "value", "value_max", "unit", "counted", "per", "text"]
        labels = {
            "value": "Value",
            "value_max": "Up to (for a range)",
            "unit": "Unit",
            "counted": "What is counted",
            "per": "Per (for a rate)",
            "text": "Words it came from",
        }

    def _post_clean(self):
        # Validation of the row against the claim is the service's (quantities_record).
        pass


QuantityFormSet = forms.formset_factory(QuantityForm, extra=2, max_num=10)
