"""The home page and the two thin generic view bases every app's pages build on."""

from django.shortcuts import render

from claims.models import Claim
from claimsbase.permissions import can_read


def home(request):
    if not can_read(request.user):
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    claims = Claim.objects.for_list()[:50]
    return render(request, "home.html", {"claims": claims})
