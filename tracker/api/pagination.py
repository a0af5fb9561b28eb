"""Pagination shared by every list endpoint."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Page-number pagination with a client-chosen size, bounded so no request loads everything."""

    page_size_query_param = "page_size"
    max_page_size = 500
