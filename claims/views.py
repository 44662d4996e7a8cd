"""Claim pages. Placeholder read-only views until the analysts' pages land."""

from django.shortcuts import get_object_or_404, render

from claims.models import Actor, Claim, Place, Topic
from claimsbase.permissions import can_read


def _guard(request):
    if not can_read(request.user):
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    return None


def claim_list(request):
    return _guard(request) or render(
        request, "home.html", {"claims": Claim.objects.for_list()[:200]}
    )


def claim_detail(request, pk):
    claim = get_object_or_404(Claim.objects.for_detail(), pk=pk)
    return _guard(request) or render(request, "claims/claim_detail.html", {"claim": claim})


def actor_detail(request, pk):
    actor = get_object_or_404(Actor.objects.for_detail(), pk=pk)
    return _guard(request) or render(request, "simple_detail.html", {"object": actor})


def place_detail(request, pk):
    place = get_object_or_404(Place.objects.for_detail(), pk=pk)
    return _guard(request) or render(request, "simple_detail.html", {"object": place})


def topic_detail(request, pk):
    topic = get_object_or_404(Topic.objects.for_detail(), pk=pk)
    return _guard(request) or render(request, "simple_detail.html", {"object": topic})
