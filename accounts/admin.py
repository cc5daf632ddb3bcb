from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib import admin

# An account's address is User.email alone (see ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR in the
# settings): allauth's separate list of addresses stays empty, so staff need not see it.
admin.site.unregister(EmailAddress)
