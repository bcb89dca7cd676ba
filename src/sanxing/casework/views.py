from django.http import HttpResponse


def desk(request):
    return HttpResponse("")


def item_page(request, pk):
    return HttpResponse("")
