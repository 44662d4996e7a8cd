"""Source pages. Placeholder read-only views until the analysts' pages land."""

from django.shortcuts import get_object_or_404, render

from claimsbase.permissions import can_read
from sources.models import Outlet, Source


def _guard(request):
    if not can_read(request.user):
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    return None


def source_list(request):
    return _guard(request) or render(
        request, "simple_list.html", {"objects": Source.objects.for_list()[:200]}
    )


def source_detail(request, pk):
    source = get_object_or_404(Source.objects.for_detail(), pk=pk)
    return _guard(request) or render(request, "simple_detail.html", {"object": source})


def outlet_detail(request, pk):
    outlet = get_object_or_404(Outlet.objects.for_detail(), pk=pk)
    return _guard(request) or render(request, "simple_detail.html", {"object": outlet})
