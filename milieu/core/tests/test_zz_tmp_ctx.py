import os, greenlet, contextvars
import pytest
from django.db import connection, connections
from playwright.sync_api import sync_playwright

@pytest.mark.django_db(transaction=True)
def test_ctx(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    connection.ensure_connection()
    print("\nbefore", id(connections._connections._data if hasattr(connections._connections,'_data') else 0), connection.connection.info.backend_pid, greenlet.getcurrent())
    with sync_playwright() as p:
        connection.ensure_connection()
        print("inside", connection.connection.info.backend_pid, greenlet.getcurrent())
    connection.ensure_connection()
    print("after", connection.connection.info.backend_pid, greenlet.getcurrent())
