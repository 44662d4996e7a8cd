"""Forms of the source pages: recording a claim straight from an article's text.

Forms check the format of what was typed; the rules (the quote must be in
the body at that offset, units must be known, ...) are the services' and come
back as errors next to these fields.
"""

from __future__ import annotations

from django import forms

from claims.models import Actor, Place, Quantity, Topic


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
