"""Pagination of the list endpoints."""

from rest_framework.pagination import CursorPagination, PageNumberPagination


class Pagination(PageNumberPagination):
    """Page-number pagination with a client-chosen size, bounded so no request loads everything."""

    page_size_query_param = "page_size"
    max_page_size = 500


class KeysetPagination(CursorPagination):
    """Keyset (cursor) pagination for the lists that grow with a province: each page is an
    index range after the last row seen, so neither a total COUNT nor a deep OFFSET scans
    the table. Pages follow ``next``/``previous`` links; there is no page number or count."""

    ordering = "pk"
    page_size_query_param = "page_size"
    max_page_size = 500
