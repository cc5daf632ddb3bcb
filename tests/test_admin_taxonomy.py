"""Staff keep the taxonomy clean: reorder, deactivate, merge, and never delete what is in use."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from clusters.models import Capability, Certification, Cluster, Framework, Region, Sector
from members import services
from members.models import Company, CompanyCertification, User
from tests.factories import (
    CapabilityFactory,
    CertificationFactory,
    ClusterFactory,
    CompanyCertificationFactory,
    CompanyFactory,
    CompanyFrameworkFactory,
    FrameworkFactory,
    RegionFactory,
    SectorFactory,
)
from tests.forms_as_sent import form_as_sent

pytestmark = pytest.mark.django_db

KINDS = [Cluster, Capability, Region, Certification, Framework, Sector]
FACTORIES: dict[type[Model], Any] = {
    Cluster: ClusterFactory,
    Capability: CapabilityFactory,
    Region: RegionFactory,
    Certification: CertificationFactory,
    Framework: FrameworkFactory,
    Sector: SectorFactory,
}
PARAMS = {
    Cluster: "cluster",
    Capability: "capability",
    Region: "region",
    Certification: "certification",
    Framework: "framework",
    Sector: "sector",
}


def used_by_company(item: Model) -> Company:
    """A published company that holds, serves or sits in ``item``."""
    uses: dict[type[Model], Callable[[], Company]] = {
        Cluster: lambda: CompanyFactory(clusters=[item]),
        Capability: lambda: CompanyFactory(capabilities=[item]),
        Region: lambda: CompanyFactory(region=item),
        Certification: lambda: CompanyCertificationFactory(certification=item).company,
        Framework: lambda: CompanyFrameworkFactory(framework=item).company,
        Sector: lambda: CompanyFactory(sectors=[item]),
    }
    return uses[type(item)]()


def admin_url(model: type[Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def changelist_form(client: Client, model: type[Model]) -> tuple[dict[str, Any], dict[int, str]]:
    """The changelist's editable rows as the page sends them, and each row's prefix by pk."""
    data: dict[str, Any] = form_as_sent(client.get(admin_url(model, "changelist")).content.decode())
    rows = {
        int(values[0]): key.removesuffix("-id")
        for key, values in data.items()
        if re.fullmatch(r"form-\d+-id", key)
    }
    return data | {"_save": "Save"}, rows


def deactivate_in_changelist(client: Client, item: Model) -> None:
    data, rows = changelist_form(client, type(item))
    data.pop(f"{rows[item.pk]}-is_active", None)  # the box unticked
    response = client.post(admin_url(type(item), "changelist"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    assert not item.is_active  # type: ignore[attr-defined]


def page(client: Client, path: str, params: dict[str, Any] | None = None) -> str:
    response = client.get(path, params or {})
    assert response.status_code == 200
    return response.content.decode()


def option(param: str, slug: str) -> str:
    """A filter checkbox on the search page."""
    return f'name="{param}" value="{slug}"'


@pytest.fixture
def member_browser(member: User) -> Client:
    """The member, signed in in a browser of their own (``member_client`` is staff_client's
    client, signed in as whoever signed in last)."""
    browser = Client()
    browser.force_login(member)
    return browser


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# Order --------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", KINDS)
def test_reordering_in_the_changelist_reorders_the_search_filters(
    staff_client: Client, client: Client, model: type[Model]
) -> None:
    extra = {"cluster": ClusterFactory()} if model is Capability else {}
    first = FACTORIES[model](name="Alder entry", slug="alder", position=1, **extra)
    second = FACTORIES[model](name="Birch entry", slug="birch", position=2, **extra)
    param = PARAMS[model]
    before = page(client, "/companies/")
    assert before.index(option(param, "alder")) < before.index(option(param, "birch"))

    data, rows = changelist_form(staff_client, model)
    data[f"{rows[first.pk]}-position"] = ["9"]
    data[f"{rows[second.pk]}-position"] = ["3"]
    assert staff_client.post(admin_url(model, "changelist"), data).status_code == 302

    after = page(client, "/companies/")
    assert after.index(option(param, "birch")) < after.index(option(param, "alder"))


def test_reordering_capabilities_reorders_the_cluster_page_and_the_member_form(
    staff_client: Client, member_browser: Client, member_company: Company
) -> None:
    cluster = member_company.clusters.get()
    CapabilityFactory(cluster=cluster, name="Alder auditing", position=1)
    birch = CapabilityFactory(cluster=cluster, name="Birch benchmarking", position=2)
    data, rows = changelist_form(staff_client, Capability)
    data[f"{rows[birch.pk]}-position"] = ["0"]
    assert staff_client.post(admin_url(Capability, "changelist"), data).status_code == 302

    for text in (
        page(Client(), cluster.get_absolute_url()),
        page(member_browser, reverse("area:profile", args=[member_company.slug])),
    ):
        assert text.index("Birch benchmarking") < text.index("Alder auditing")


def test_reordering_clusters_reorders_the_home_page_and_the_clusters_page(
    staff_client: Client, client: Client
) -> None:
    alder = ClusterFactory(name="Alder Cluster", position=1)
    birch = ClusterFactory(name="Birch Cluster", position=2)
    data, rows = changelist_form(staff_client, Cluster)
    data[f"{rows[alder.pk]}-position"] = ["7"]
    data[f"{rows[birch.pk]}-position"] = ["6"]
    assert staff_client.post(admin_url(Cluster, "changelist"), data).status_code == 302

    for path in ("/", "/clusters/"):
        text = page(client, path)
        assert text.index("Birch Cluster") < text.index("Alder Cluster"), path


# Deactivation -------------------------------------------------------------------------------


@pytest.mark.parametrize("model", KINDS)
def test_a_deactivated_entry_is_shown_to_buyers_nowhere(
    staff_client: Client, client: Client, model: type[Model]
) -> None:
    item = FACTORIES[model](name="Zephyrine Retired", slug="zephyrine")
    company = used_by_company(item)
    param = PARAMS[model]
    assert "Zephyrine Retired" in page(client, f"/companies/{company.slug}/")

    deactivate_in_changelist(staff_client, item)

    for path in ("/", "/clusters/", "/companies/", f"/companies/{company.slug}/"):
        assert "Zephyrine Retired" not in page(client, path), path
    assert option(param, "zephyrine") not in page(client, "/companies/")
    export = client.get("/companies/export.csv")
    csv = b"".join(export.streaming_content).decode()  # type: ignore[attr-defined]
    assert company.name in csv
    assert "Zephyrine Retired" not in csv


@pytest.mark.parametrize("model", KINDS)
def test_a_link_naming_a_deactivated_entry_is_ignored_like_an_unknown_value(
    staff_client: Client, client: Client, model: type[Model]
) -> None:
    item = FACTORIES[model](name="Zephyrine Retired", slug="zephyrine")
    company = used_by_company(item)
    other = CompanyFactory(name="Unrelated Example Ltd")
    deactivate_in_changelist(staff_client, item)

    response = client.get("/companies/", {PARAMS[model]: "zephyrine"})
    assert response.status_code == 200
    assert "\u201czephyrine\u201d: it is not one we know" in response.content.decode()
    assert set(response.context["result"].ordered_ids.tolist()) >= {company.pk, other.pk}


def test_the_history_and_the_links_of_a_deactivated_entry_are_kept(staff_client: Client) -> None:
    capability = CapabilityFactory(name="Zephyrine Retired")
    company = used_by_company(capability)
    deactivate_in_changelist(staff_client, capability)
    assert list(company.capabilities.all()) == [capability]
    assert [c.capability for c in company.history.latest().capabilities.all()] == [capability]


def test_a_deactivated_capability_leaves_its_cluster_page_and_the_counts(
    staff_client: Client, client: Client
) -> None:
    cluster = ClusterFactory(name="Cyber Security", slug="cyber-security")
    kept = CapabilityFactory(cluster=cluster, name="Incident response")
    retired = CapabilityFactory(cluster=cluster, name="Zephyrine Retired")
    used_by_company(kept)
    used_by_company(retired)
    deactivate_in_changelist(staff_client, retired)

    detail = page(client, cluster.get_absolute_url())
    assert "Zephyrine Retired" not in detail
    assert "Incident response" in detail
    assert re.search(r"<strong>1</strong>\s*capability\b", detail)
    assert re.search(r"<strong>1</strong>\s*capability\b", page(client, "/clusters/"))


def test_a_deactivated_clusters_page_is_gone_and_its_capabilities_with_it(
    staff_client: Client, client: Client
) -> None:
    cluster = ClusterFactory(name="Zephyrine Cluster", slug="zephyrine-cluster")
    capability = CapabilityFactory(cluster=cluster, name="Zephyrine Capability")
    company = used_by_company(capability)
    deactivate_in_changelist(staff_client, cluster)

    assert client.get(cluster.get_absolute_url()).status_code == 404
    for path in ("/", "/companies/", f"/companies/{company.slug}/"):
        assert "Zephyrine" not in page(client, path), path


@pytest.fixture
def retired(staff_client: Client, member_company: Company) -> dict[str, Model]:
    """One deactivated entry of each kind a member chooses from, the member's company holding
    each; and an active one of each beside it."""
    cluster = member_company.clusters.get()
    items: dict[str, Model] = {
        "capability": CapabilityFactory(cluster=cluster, name="Zephyrine Capability"),
        "sector": SectorFactory(name="Zephyrine Sector"),
        "region": RegionFactory(name="Zephyrine Region"),
        "certification": CertificationFactory(name="Zephyrine Certification"),
        "cluster": ClusterFactory(name="Zephyrine Cluster"),
    }
    for model in (Capability, Sector, Region, Certification):
        FACTORIES[model](name=f"Active {model.__name__}")
    member_company.region = items["region"]  # type: ignore[assignment]
    services.company_save(
        company=member_company,
        clusters=[cluster, items["cluster"]],  # type: ignore[list-item]
        capabilities=[*member_company.capabilities.all(), items["capability"]],  # type: ignore[list-item]
        sectors=[items["sector"]],  # type: ignore[list-item]
    )
    CompanyCertificationFactory(company=member_company, certification=items["certification"])
    for item in items.values():
        deactivate_in_changelist(staff_client, item)
    return items


def test_members_are_not_offered_deactivated_entries(
    member_browser: Client, member_company: Company, retired: dict[str, Model]
) -> None:
    slug = member_company.slug
    for path in (
        reverse("area:profile", args=[slug]),
        reverse("area:certifications", args=[slug]),
        reverse("area:apply"),
    ):
        response = member_browser.get(path)
        assert response.status_code == 200, path
        text = response.content.decode()
        assert "Zephyrine" not in text, path
    assert "Active Capability" in page(member_browser, reverse("area:apply"))
    assert "Active Certification" in page(
        member_browser, reverse("area:certifications", args=[slug])
    )


def test_an_application_naming_a_deactivated_capability_is_refused(
    client: Client, retired: dict[str, Model]
) -> None:
    capability = retired["capability"]
    data = {
        "name": "Kelpie Example Ltd",
        "summary": "Something useful.",
        "contact_email": "hello@kelpie.example",
        "employee_band": "10-49",
        "clusters": [capability.cluster_id],  # type: ignore[attr-defined]
        "capabilities": [capability.pk],
        "applicant_email": "rowan@kelpie.example",
    }
    response = client.post(reverse("area:apply"), data)
    assert response.status_code == 200
    assert not Company.objects.filter(name="Kelpie Example Ltd").exists()


def test_a_member_saving_the_profile_keeps_what_it_holds_of_deactivated_entries(
    member_browser: Client, member_company: Company, retired: dict[str, Model]
) -> None:
    url = reverse("area:profile", args=[member_company.slug])
    response = member_browser.post(url, form_as_sent(page(member_browser, url)))
    assert response.status_code == 302
    company = Company.objects.get(pk=member_company.pk)
    assert retired["capability"] in company.capabilities.all()
    assert retired["cluster"] in company.clusters.all()
    assert retired["sector"] in company.sectors.all()
    assert company.region == retired["region"]

    url = reverse("area:certifications", args=[member_company.slug])
    assert member_browser.post(url, form_as_sent(page(member_browser, url))).status_code == 302
    assert CompanyCertification.objects.filter(
        company=member_company, certification=retired["certification"]
    ).exists()


# Merge ----------------------------------------------------------------------------------------


@pytest.fixture
def merge_world(db: None) -> dict[str, Any]:
    """Ethical hacking (in Offensive) merges into Penetration testing (in Cyber Security)."""
    offensive = ClusterFactory(name="Offensive", slug="offensive")
    cyber = ClusterFactory(name="Cyber Security", slug="cyber-security")
    source = CapabilityFactory(cluster=offensive, name="Ethical hacking", slug="ethical-hacking")
    target = CapabilityFactory(cluster=cyber, name="Penetration testing", slug="pen-testing")
    companies = [
        CompanyFactory(name="Alder Example Ltd", capabilities=[source]),
        CompanyFactory(name="Birch Example Ltd", capabilities=[source, target]),
        CompanyFactory(name="Cedar Example Ltd", capabilities=[source]),
    ]
    bystander = CompanyFactory(name="Dogwood Example Ltd", clusters=[offensive])
    return {"source": source, "target": target, "companies": companies, "bystander": bystander}


def merge_post(source: Capability, **extra: Any) -> dict[str, Any]:
    return {"action": "merge", "_selected_action": [source.pk], **extra}


def test_the_merge_page_says_how_many_companies_move(
    staff_client: Client, merge_world: dict[str, Any]
) -> None:
    response = staff_client.post(
        admin_url(Capability, "changelist"), merge_post(merge_world["source"], index="0")
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "3 companies move" in text
    assert "Ethical hacking (Offensive" in text
    assert "Penetration testing (Cyber Security)" in text  # a choice of target
    assert merge_world["source"].companies.count() == 3  # nothing moved yet


def test_the_merge_page_reads_a_fixed_number_of_queries(
    staff_client: Client, merge_world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    def open_page() -> None:
        data = merge_post(merge_world["source"], index="0")
        assert staff_client.post(admin_url(Capability, "changelist"), data).status_code == 200

    open_page()
    with django_assert_max_num_queries(20) as few:
        open_page()
    for _ in range(10):
        CompanyFactory(capabilities=[merge_world["source"]])
    with django_assert_max_num_queries(len(few.captured_queries)):
        open_page()


def test_merging_moves_every_company_records_history_and_keeps_the_source(
    staff_client: Client, staff_user: User, merge_world: dict[str, Any]
) -> None:
    source, target = merge_world["source"], merge_world["target"]
    response = staff_client.post(
        admin_url(Capability, "changelist"), merge_post(source, confirm="yes", target=target.pk)
    )
    assert response.status_code == 302
    assert "3 companies moved" in " ".join(messages_of(staff_client.get(response["Location"])))

    source.refresh_from_db()
    assert not source.is_active  # kept, deactivated
    for company in merge_world["companies"]:
        assert list(company.capabilities.all()) == [target]
        assert {c.slug for c in company.clusters.all()} == {"offensive", "cyber-security"}
        record = company.history.latest()
        assert record.history_user == staff_user
        assert [c.capability for c in record.capabilities.all()] == [target]
        previous = record.prev_record
        assert source in [c.capability for c in previous.capabilities.all()]
    assert {c.slug for c in merge_world["bystander"].clusters.all()} == {"offensive"}


def found_on_the_search_page(text: str) -> set[int]:
    response = Client().get("/companies/", {"q": text})
    assert response.status_code == 200
    return set(response.context["result"].ordered_ids.tolist())


def test_after_a_merge_search_finds_the_companies_by_the_target_not_the_source(
    merge_world: dict[str, Any],
) -> None:
    moved = {company.pk for company in merge_world["companies"]}
    assert found_on_the_search_page("hacking") == moved
    assert found_on_the_search_page("penetration") == {merge_world["companies"][1].pk}

    services.capability_merge(source=merge_world["source"], target=merge_world["target"])

    assert found_on_the_search_page("penetration") == moved
    assert found_on_the_search_page("hacking") == set()
    assert Client().get("/companies/", {"capability": "pen-testing"}).context["result"].total == 3


def test_a_merge_that_fails_half_way_moves_nothing(
    merge_world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    source, target = merge_world["source"], merge_world["target"]
    history_before = Company.history.count()
    real_save = services.company_save
    saved: list[Company] = []

    def fail_on_the_second(**kwargs: Any) -> Company:
        if saved:
            raise RuntimeError("the database went away")
        saved.append(kwargs["company"])
        return real_save(**kwargs)

    monkeypatch.setattr(services, "company_save", fail_on_the_second)
    with pytest.raises(RuntimeError):
        services.capability_merge(source=source, target=target)

    assert saved  # the first company had moved before the failure
    assert source.companies.count() == 3
    assert target.companies.count() == 1
    source.refresh_from_db()
    assert source.is_active
    assert Company.history.count() == history_before
    assert found_on_the_search_page("hacking") == {c.pk for c in merge_world["companies"]}


def test_merging_a_capability_into_itself_is_refused(
    staff_client: Client, merge_world: dict[str, Any]
) -> None:
    source = merge_world["source"]
    with pytest.raises(services.TaxonomyRefused, match="cannot be merged into itself"):
        services.capability_merge(source=source, target=source)

    response = staff_client.post(
        admin_url(Capability, "changelist"), merge_post(source, confirm="yes", target=source.pk)
    )
    assert response.status_code == 200
    assert "Choose an active capability other than the ones being merged." in (
        response.content.decode()
    )
    source.refresh_from_db()
    assert source.is_active
    assert source.companies.count() == 3


def test_merging_into_a_deactivated_capability_is_refused(merge_world: dict[str, Any]) -> None:
    source, target = merge_world["source"], merge_world["target"]
    target.is_active = False
    services.taxonomy_item_save(item=target)
    with pytest.raises(services.TaxonomyRefused, match="Penetration testing is deactivated"):
        services.capability_merge(source=source, target=target)
    assert source.companies.count() == 3


# Deleting ------------------------------------------------------------------------------------


REFUSALS = {
    Cluster: "Zephyrine has 1 company: deactivate it instead.",
    Capability: "Zephyrine is held by 1 company: deactivate it instead.",
    Region: "Zephyrine is the region of 1 company: deactivate it instead.",
    Certification: "Zephyrine is held by 1 company: deactivate it instead.",
    Framework: "Zephyrine is used by 1 company: deactivate it instead.",
    Sector: "Zephyrine is served by 1 company: deactivate it instead.",
}


@pytest.mark.parametrize("model", KINDS)
def test_the_delete_page_refuses_an_entry_in_use(staff_client: Client, model: type[Model]) -> None:
    item = FACTORIES[model](name="Zephyrine")
    used_by_company(item)
    url = admin_url(model, "delete", item.pk)
    for send in (staff_client.get, partial(staff_client.post, data={"post": "yes"})):
        response = send(url)
        assert response.status_code == 302
        assert response["Location"] == admin_url(model, "change", item.pk)
        assert REFUSALS[model] in messages_of(staff_client.get(response["Location"]))
    assert model._default_manager.filter(pk=item.pk).exists()


@pytest.mark.parametrize("model", KINDS)
def test_the_bulk_delete_refuses_when_any_selected_entry_is_in_use(
    staff_client: Client, model: type[Model]
) -> None:
    used = FACTORIES[model](name="Zephyrine")
    used_by_company(used)
    unused = FACTORIES[model](name="Unused")
    url = admin_url(model, "changelist")
    selected = {"action": "delete_selected", "_selected_action": [used.pk, unused.pk]}
    for data in (selected | {"index": "0"}, selected | {"post": "yes"}):
        response = staff_client.post(url, data, follow=True)
        assert response.status_code == 200
        assert REFUSALS[model] in messages_of(response)
        assert "Nothing was deleted." in messages_of(response)
    assert model._default_manager.filter(pk__in=[used.pk, unused.pk]).count() == 2


@pytest.mark.parametrize("model", KINDS)
def test_the_service_refuses_to_delete_an_entry_in_use(model: type[Model]) -> None:
    item = FACTORIES[model](name="Zephyrine")
    used_by_company(item)
    with pytest.raises(services.TaxonomyRefused, match=re.escape(REFUSALS[model])):
        services.taxonomy_item_delete(item=item)
    assert model._default_manager.filter(pk=item.pk).exists()


def test_a_cluster_with_capabilities_but_no_companies_is_not_deleted(staff_client: Client) -> None:
    cluster = ClusterFactory(name="Zephyrine")
    CapabilityFactory(cluster=cluster)
    CapabilityFactory(cluster=cluster)
    response = staff_client.post(admin_url(Cluster, "delete", cluster.pk), {"post": "yes"})
    assert "Zephyrine has 2 capabilities: deactivate it instead." in messages_of(
        staff_client.get(response["Location"])
    )
    assert Cluster.objects.filter(pk=cluster.pk).exists()


def test_a_capability_in_use_is_not_deleted_from_its_clusters_page(staff_client: Client) -> None:
    capability = CapabilityFactory(name="Zephyrine")
    used_by_company(capability)
    url = admin_url(Cluster, "change", capability.cluster_id)
    data = form_as_sent(staff_client.get(url).content.decode())
    data["capabilities-0-DELETE"] = ["on"]
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert REFUSALS[Capability] in response.content.decode()
    assert Capability.objects.filter(pk=capability.pk).exists()


@pytest.mark.parametrize("model", KINDS)
def test_unused_entries_still_delete(staff_client: Client, model: type[Model]) -> None:
    one, two, three = (FACTORIES[model]() for _ in range(3))
    response = staff_client.post(admin_url(model, "delete", one.pk), {"post": "yes"})
    assert response.status_code == 302
    selected = {"action": "delete_selected", "_selected_action": [two.pk, three.pk]}
    response = staff_client.post(admin_url(model, "changelist"), selected | {"post": "yes"})
    assert response.status_code == 302
    assert not model._default_manager.filter(pk__in=[one.pk, two.pk, three.pk]).exists()


# Reloading the reference data ---------------------------------------------------------------


def test_reloading_the_reference_data_keeps_staff_renames_orders_and_deactivations(
    staff_client: Client,
) -> None:
    call_command("seed_demo", "--taxonomy-only", stdout=StringIO())
    certification = Certification.objects.get(slug="cyber-essentials")
    data, rows = changelist_form(staff_client, Certification)
    prefix = rows[certification.pk]
    data[f"{prefix}-position"] = ["99"]
    data.pop(f"{prefix}-is_active")
    assert staff_client.post(admin_url(Certification, "changelist"), data).status_code == 302
    capability = Capability.objects.get(slug="penetration-testing")
    change = form_as_sent(page(staff_client, admin_url(Capability, "change", capability.pk)))
    change["name"] = ["Penetration testing (CHECK and CREST)"]
    response = staff_client.post(admin_url(Capability, "change", capability.pk), change)
    assert response.status_code == 302
    unused = Sector.objects.order_by("pk").first()
    assert unused is not None
    staff_client.post(admin_url(Sector, "delete", unused.pk), {"post": "yes"})

    out = StringIO()
    call_command("seed_demo", "--taxonomy-only", stdout=out)

    certification.refresh_from_db()
    assert (certification.position, certification.is_active) == (99, False)
    capability.refresh_from_db()
    assert capability.name == "Penetration testing (CHECK and CREST)"
    assert Sector.objects.filter(slug=unused.slug).exists()  # what is missing comes back
    assert "Taxonomy: 1 created, 0 updated" in out.getvalue()
