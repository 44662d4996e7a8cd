"""Forms for claims: assessing, relating, comparing, and recording a claim from a source.

Forms check the shape of what was typed; the rules (the quote must be in the
body at that offset, units must be known, ...) are the services' and come
back as errors next to these fields.
"""

from __future__ import annotations

from django import forms

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

RELIABILITY_CHOICES = [("", "From the outlet that first reported the claim"), *Reliability.choices]


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
        help_text="Admiralty grade (A–F) of the reporting source's reliability.",
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
        label="Evidence stance",
        choices=Evidence.Stance.choices,
        initial=Evidence.Stance.SUPPORTS,
        required=False,
    )
    evidence_url = forms.URLField(
        label="Evidence URL", required=False, max_length=2000, assume_scheme="https"
    )
    evidence_source = forms.ModelChoiceField(
        label="Evidence source (number)",
        queryset=Source.objects.only("id", "title"),
        required=False,
        widget=forms.NumberInput,
        help_text="The number of a recorded source, as shown on its page.",
    )
    evidence_note = forms.CharField(
        label="Evidence note", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def evidence(self) -> list[dict]:
        """The evidence rows for ``claim_assess``: one if a URL or a source was given."""
        data = self.cleaned_data
        if not (data.get("evidence_url") or data.get("evidence_source")):
            return []
        return [
            {
                "stance": data.get("evidence_stance") or Evidence.Stance.CONTEXT,
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
    stance = forms.ChoiceField(label="Stance", choices=Evidence.Stance.choices)
    url = forms.URLField(label="URL", required=False, max_length=2000, assume_scheme="https")
    source = forms.ModelChoiceField(
        label="Source (number)",
        queryset=Source.objects.only("id", "title"),
        required=False,
        widget=forms.NumberInput,
        help_text="The number of a recorded source, as shown on its page.",
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


class ClaimCompareForm(forms.Form):
    a = forms.ModelChoiceField(
        label="First claim (number)", queryset=Claim.objects.all(), widget=forms.NumberInput
    )
    b = forms.ModelChoiceField(
        label="Second claim (number)", queryset=Claim.objects.all(), widget=forms.NumberInput
    )


# --- recording a claim from a source's text ---------------------------------


class ClaimCaptureForm(forms.Form):
    """A claim, its excerpt in this source, and what it is about, in one form."""

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
        help_text="The assertion in your own words.",
    )
    claimant = forms.ModelChoiceField(
        label="Claimant", queryset=Actor.objects.all(), help_text="Who asserts it."
    )
    asserted_on = forms.DateField(
        label="Asserted on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    actors = forms.ModelMultipleChoiceField(
        label="Actors it is about", queryset=Actor.objects.all(), required=False
    )
    places = forms.ModelMultipleChoiceField(
        label="Places it is about", queryset=Place.objects.all(), required=False
    )
    topics = forms.ModelMultipleChoiceField(
        label="Topics", queryset=Topic.objects.all(), required=False
    )

    def claim_fields(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in ("statement", "claimant", "asserted_on", "actors", "places", "topics")
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
