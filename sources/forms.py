"""Forms of the source pages: bringing a new document in.

The form checks the shape of what was typed or uploaded; reading the page,
matching the outlet and catching duplicates are ``source_ingest_document``'s.
"""

from __future__ import annotations

from django import forms
from django.conf import settings

from claimsbase.filters import RecordPicker
from sources.models import Outlet, Source


class SourceIngestForm(forms.Form):
    """An article as pasted text, a saved HTML page, or a URL; the details it lacks."""

    url = forms.URLField(
        label="URL",
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text="Where it was published; its domain finds (or creates) the outlet.",
    )
    text = forms.CharField(
        label="Text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="The article's text, pasted. Leave empty to read it from the file or the URL.",
    )
    html_file = forms.FileField(
        label="Saved page (HTML)",
        required=False,
        help_text="The article saved from the browser as a web page (.html).",
    )
    outlet = forms.ModelChoiceField(
        label="Outlet",
        queryset=Outlet.objects.all(),
        required=False,
        widget=RecordPicker(search_url="sources-api:outlet-list", queryset=Outlet.objects.all()),
        help_text="Needed only when there is no URL.",
    )
    title = forms.CharField(label="Title", required=False, max_length=500)
    author = forms.CharField(label="Author", required=False, max_length=200)
    language = forms.CharField(
        label="Language", required=False, max_length=16, help_text="en, ru, uk… (BCP 47)."
    )
    published_at = forms.DateTimeField(
        label="Published",
        required=False,
        help_text="A day (2025-03-13), or a day and time (2025-03-13 14:05).",
    )
    kind = forms.ChoiceField(label="Kind", choices=Source.Kind.choices, initial=Source.Kind.ARTICLE)

    def clean_html_file(self) -> str:
        """The uploaded page as text (empty when none was uploaded)."""
        upload = self.cleaned_data.get("html_file")
        if not upload:
            return ""
        if upload.size > settings.INGEST_MAX_BYTES:
            raise forms.ValidationError("This file is larger than this server accepts.")
        data = upload.read()
        if b"\x00" in data[:4096]:
            raise forms.ValidationError("This is not a saved web page (.html).")
        return data.decode("utf-8", errors="replace")

    def clean(self):
        data = super().clean()
        if not (data.get("text") or data.get("html_file") or data.get("url")):
            raise forms.ValidationError(
                "Paste the article's text, upload its saved page, or give its URL."
            )
        return data

    def ingest_fields(self) -> dict:
        """The keyword arguments of ``source_ingest_document``."""
        data = self.cleaned_data
        return {
            "text": data["text"],
            "html": data["html_file"],
            "url": data["url"],
            "outlet": data["outlet"],
            **{
                name: data[name] for name in ("title", "author", "language", "published_at", "kind")
            },
        }
