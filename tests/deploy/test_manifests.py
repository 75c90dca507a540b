"""deploy/k8s: every manifest is valid Kubernetes, every pod is locked down, the pieces point at
each other, and the Secret template lists every setting the service reads."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from cryptography.fernet import Fernet

from app.settings import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
# The cluster's minor version (k3s stable channel); raise it with the cluster.
KUBERNETES_VERSION = "1.34.0"
NAMESPACE = "ordinarthur-os"
APP_SECRET = "ordinarthur-os-secrets"
PLACEHOLDER = re.compile(r"<[^>]*>")

Doc = dict[str, Any]


def _documents() -> list[tuple[str, Doc]]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                docs.append((path.name, doc))
    return docs


DOCS = _documents()


def _one(kind: str, name: str) -> Doc:
    found = [d for _, d in DOCS if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind}/{name} in deploy/k8s, found {len(found)}"
    return found[0]


def _pod_specs() -> Iterator[tuple[str, Doc]]:
    for _, doc in DOCS:
        kind, name = doc["kind"], doc["metadata"]["name"]
        if kind in ("Deployment", "StatefulSet", "Job"):
            yield f"{kind}/{name}", doc["spec"]["template"]["spec"]
        elif kind == "CronJob":
            yield f"{kind}/{name}", doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def _containers(pod: Doc) -> list[Doc]:
    return [*pod.get("initContainers", []), *pod["containers"]]


def _secret_data(name: str) -> dict[str, str]:
    return {k: str(v) for k, v in _one("Secret", name)["stringData"].items()}


def _env(container: Doc) -> dict[str, str]:
    return {e["name"]: e.get("value", "") for e in container.get("env", [])}


def _script(container: Doc) -> str:
    return " ".join([*container.get("command", []), *container.get("args", [])])


@pytest.mark.parametrize(
    "doc", [d for _, d in DOCS], ids=[f"{f}:{d['kind']}/{d['metadata']['name']}" for f, d in DOCS]
)
def test_every_manifest_validates_against_the_pinned_kubernetes(doc: Doc) -> None:
    # strict: an unknown or misspelt field fails too; a kind without a schema raises.
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_every_object_lives_in_the_namespace() -> None:
    kinds = {d["kind"] for _, d in DOCS}
    assert {"Namespace", "Deployment", "Service", "StatefulSet", "Ingress", "Job", "CronJob"} <= (
        kinds
    )
    _one("Namespace", NAMESPACE)
    for _, doc in DOCS:
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == NAMESPACE, doc["metadata"]["name"]


@pytest.mark.parametrize("where, pod", list(_pod_specs()), ids=[w for w, _ in _pod_specs()])
def test_every_pod_is_locked_down(where: str, pod: Doc) -> None:
    assert pod["securityContext"]["runAsNonRoot"] is True, where
    assert pod["securityContext"]["runAsUser"] != 0, where
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, where
    assert pod["automountServiceAccountToken"] is False, where
    volumes = {v["name"] for v in pod.get("volumes", [])}
    volumes |= {
        t["metadata"]["name"]
        for _, d in DOCS
        if d["kind"] == "StatefulSet" and d["spec"]["template"]["spec"] is pod
        for t in d["spec"].get("volumeClaimTemplates", [])
    }
    for container in _containers(pod):
        ctx = container["securityContext"]
        name = f"{where} {container['name']}"
        assert ctx["allowPrivilegeEscalation"] is False, name
        assert ctx["readOnlyRootFilesystem"] is True, name
        assert ctx["capabilities"]["drop"] == ["ALL"], name
        resources = container["resources"]
        assert set(resources["requests"]) >= {"cpu", "memory"}, name
        assert set(resources["limits"]) >= {"cpu", "memory"}, name
        mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
        assert "/tmp" in mounts, f"{name}: a read-only root needs a writable /tmp"
        assert set(mounts.values()) <= volumes, name


def test_the_service_deployment() -> None:
    deployment = _one("Deployment", "ordinarthur-os")
    spec = deployment["spec"]
    # Two replicas need webhook mode (see the comment in app.yaml) and a disruption budget.
    assert spec["replicas"] == 2
    assert _secret_data(APP_SECRET)["TELEGRAM_WEBHOOK_URL"].startswith("https://")
    budget = _one("PodDisruptionBudget", "ordinarthur-os")["spec"]
    assert budget["minAvailable"] == 1
    assert (
        budget["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items()
    )
    assert spec["strategy"]["type"] == "RollingUpdate"
    assert spec["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    pod = spec["template"]["spec"]
    (app,) = pod["containers"]
    assert app["envFrom"] == [{"secretRef": {"name": APP_SECRET}}]
    env = _env(app)
    assert env["APP_ENV"] == "production"
    assert env["HOST"] == "0.0.0.0"
    (port,) = app["ports"]
    assert port["containerPort"] == int(env["PORT"])
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert app[probe]["httpGet"] == {"path": "/health", "port": port["name"]}, probe
    # DATA_DIR sits on a writable emptyDir, not on the read-only root.
    mounts = {m["mountPath"]: m["name"] for m in app["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert "emptyDir" in volumes[mounts[env["DATA_DIR"]]]
    assert "emptyDir" in volumes[mounts["/tmp"]]


def test_a_stopping_pod_has_the_time_to_finish_what_is_in_flight() -> None:
    pod = _one("Deployment", "ordinarthur-os")["spec"]["template"]["spec"]
    grace = int(_secret_data(APP_SECRET)["SHUTDOWN_GRACE_SECONDS"])
    # The service finishes its updates for `grace`, then closes the database; a model call
    # retried three times takes up to about 47 s.
    assert grace >= 60
    assert pod["terminationGracePeriodSeconds"] >= grace + 20


def test_service_and_ingress_reach_the_deployment() -> None:
    deployment = _one("Deployment", "ordinarthur-os")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    port_name = deployment["spec"]["template"]["spec"]["containers"][0]["ports"][0]["name"]
    service = _one("Service", "ordinarthur-os")
    assert service["spec"]["type"] == "ClusterIP"
    assert service["spec"]["selector"].items() <= labels.items()
    (service_port,) = service["spec"]["ports"]
    assert service_port["targetPort"] == port_name

    ingress = _one("Ingress", "ordinarthur-os")
    annotations = ingress["metadata"]["annotations"]
    assert annotations["cert-manager.io/cluster-issuer"]
    assert annotations["traefik.ingress.kubernetes.io/router.entrypoints"] == "websecure"
    assert ingress["spec"]["ingressClassName"] == "traefik"
    hosts = {rule["host"] for rule in ingress["spec"]["rules"]}
    assert hosts == {"os.arthurbarre.fr", "api.os.arthurbarre.fr"}
    (tls,) = ingress["spec"]["tls"]
    assert set(tls["hosts"]) == hosts and tls["secretName"]
    for rule in ingress["spec"]["rules"]:
        (path,) = rule["http"]["paths"]
        assert (path["path"], path["pathType"]) == ("/", "Prefix")
        assert path["backend"]["service"] == {
            "name": service["metadata"]["name"],
            "port": {"name": service_port["name"]},
        }


def test_postgres_16_keeps_its_data_and_stays_inside_the_cluster() -> None:
    statefulset = _one("StatefulSet", "postgres")
    (container,) = statefulset["spec"]["template"]["spec"]["containers"]
    assert container["image"].startswith("postgres:16")
    (claim,) = statefulset["spec"]["volumeClaimTemplates"]
    assert claim["spec"]["resources"]["requests"]["storage"]
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert _env(container)["PGDATA"].startswith(mounts[claim["metadata"]["name"]] + "/")
    service = _one("Service", "postgres")
    assert service["spec"]["type"] == "ClusterIP"
    assert statefulset["spec"]["serviceName"] == "postgres"
    # The service's DATABASE_URL points at that Service, with the database the server creates.
    db = _secret_data("ordinarthur-os-db-secrets")
    url = _secret_data(APP_SECRET)["DATABASE_URL"]
    host = f"postgres.{NAMESPACE}.svc.cluster.local:{service['spec']['ports'][0]['port']}"
    assert url.startswith(f"postgresql://{db['POSTGRES_USER']}:")
    assert url.endswith(f"@{host}/{db['POSTGRES_DB']}")


def test_the_migrate_job_runs_the_service_image() -> None:
    job = _one("Job", "ordinarthur-os-migrate")
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["ordinarthur-os", "migrate"]
    assert container["envFrom"] == [{"secretRef": {"name": APP_SECRET}}]
    app = _one("Deployment", "ordinarthur-os")["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == app["image"]


def test_the_nightly_backup_dumps_the_schema_and_keeps_30_days() -> None:
    cronjob = _one("CronJob", "ordinarthur-os-backup")
    minute, hour, *every_day = cronjob["spec"]["schedule"].split()
    assert every_day == ["*", "*", "*"]
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    pod = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    dump = " ".join(_script(c) for c in _containers(pod) if "pg_dump" in _script(c))
    assert "--schema=ordinarthur_os" in dump and "-Fc" in dump
    upload = " ".join(_script(c) for c in _containers(pod) if "rclone" in _script(c))
    assert 'rclone copy /backup "$RCLONE_REMOTE"' in upload
    assert "rclone delete --min-age 30d" in upload
    backup_secret = _secret_data("ordinarthur-os-backup-secrets")
    assert "RCLONE_REMOTE" in backup_secret


def test_every_secret_a_pod_reads_is_in_the_template() -> None:
    for where, pod in _pod_specs():
        for container in _containers(pod):
            for source in container.get("envFrom", []):
                _one("Secret", source["secretRef"]["name"])
            for var in container.get("env", []):
                ref = var.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["key"] in _secret_data(ref["name"]), f"{where} {var['name']}"


def test_the_secret_template_lists_every_setting() -> None:
    settings = {name.upper() for name in Settings.model_fields}
    template = set(_secret_data(APP_SECRET))
    assert settings - template == set(), "settings missing from secrets.template.yaml"
    assert template - settings == set(), "template keys that no setting reads"


def test_the_filled_template_is_a_production_configuration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = _secret_data(APP_SECRET)
    _set_env(monkeypatch, data)
    with pytest.raises(SettingsError):  # placeholders are refused in production
        load_settings()

    password = secrets.token_hex(16)
    filled = {k: _fill(k, v, password) for k, v in data.items()}
    _set_env(monkeypatch, filled)
    settings = load_settings()
    assert settings.app_env == "production"
    assert settings.telegram_webhook_url == "https://api.os.arthurbarre.fr/telegram/webhook"
    assert settings.database_url is not None and password in settings.database_url
    # One password, one placeholder: the server's and the URL's are filled with the same value.
    assert _secret_data("ordinarthur-os-db-secrets")["POSTGRES_PASSWORD"] == "<POSTGRES_PASSWORD>"


def _fill(key: str, value: str, password: str) -> str:
    if key == "TELEGRAM_OWNER_ID":
        return "123456789"
    if key == "SECRETS_ENCRYPTION_KEY":
        return Fernet.generate_key().decode()
    value = value.replace("<POSTGRES_PASSWORD>", password)
    return PLACEHOLDER.sub(lambda _: secrets.token_hex(16), value)


def _set_env(monkeypatch: pytest.MonkeyPatch, values: dict[str, str]) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    for key, value in values.items():
        monkeypatch.setenv(key, value)


# ---------------------------------------------------------------- network policies

TCP, UDP = "TCP", "UDP"
DNS = "ns:kube-system/k8s-app=kube-dns"
TRAEFIK = "ns:kube-system"
INTERNET = "ip:0.0.0.0/0 except 10.0.0.0/8,169.254.0.0/16,172.16.0.0/12,192.168.0.0/16"


def _labels(selector: Doc) -> str:
    assert not selector.get("matchExpressions"), "labels only, to keep the policies readable"
    return ",".join(f"{k}={v}" for k, v in sorted(selector.get("matchLabels", {}).items()))


def _peer(peer: Doc) -> str:
    if "ipBlock" in peer:
        block = peer["ipBlock"]
        return f"ip:{block['cidr']} except {','.join(sorted(block.get('except', [])))}"
    if "namespaceSelector" in peer:
        namespace = peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
        pods = f"/{_labels(peer['podSelector'])}" if "podSelector" in peer else ""
        return f"ns:{namespace}{pods}"
    return f"pod:{_labels(peer['podSelector'])}"


def _pod(name: str) -> str:
    return f"pod:app.kubernetes.io/name={name}"


def _policies() -> list[Doc]:
    return [d for _, d in DOCS if d["kind"] == "NetworkPolicy"]


def _pod_labels() -> dict[str, dict[str, str]]:
    """Each pod template's labels, by its app.kubernetes.io/name."""
    labels = {}
    for _, doc in DOCS:
        spec = doc.get("spec", {})
        template = spec.get("template") or spec.get("jobTemplate", {}).get("spec", {}).get(
            "template"
        )
        if template:
            found = template["metadata"]["labels"]
            labels[found["app.kubernetes.io/name"]] = found
    return labels


def _allowed(name: str, direction: str) -> set[tuple[str, int, str]]:
    """(peer, port, protocol) the policies allow pod `name` in `direction` (ingress/egress)."""
    labels = _pod_labels()[name]
    peers_key = "from" if direction == "ingress" else "to"
    allowed = set()
    for policy in _policies():
        selector = policy["spec"]["podSelector"].get("matchLabels", {})
        if not selector.items() <= labels.items():
            continue
        assert direction.capitalize() in policy["spec"]["policyTypes"], policy["metadata"]
        for rule in policy["spec"].get(direction, []):
            peers = [_peer(p) for p in rule.get(peers_key, [])] or ["anywhere"]
            ports = [(p["port"], p["protocol"]) for p in rule["ports"]]
            allowed |= {(peer, port, proto) for peer in peers for port, proto in ports}
    return allowed


def test_the_namespace_denies_everything_by_default() -> None:
    defaults = [p for p in _policies() if p["spec"]["podSelector"] == {}]
    assert len(defaults) == 1
    spec = defaults[0]["spec"]
    assert sorted(spec["policyTypes"]) == ["Egress", "Ingress"]
    assert "ingress" not in spec and "egress" not in spec
    # Every pod has its own allow list on top of it, and no policy opens a pod to everything.
    for name in _pod_labels():
        selected = [p for p in _policies() if p["spec"]["podSelector"] != {}]
        assert any(
            p["spec"]["podSelector"]["matchLabels"].items() <= _pod_labels()[name].items()
            for p in selected
        ), name
        for direction in ("ingress", "egress"):
            assert not any(peer == "anywhere" for peer, _, _ in _allowed(name, direction))


def test_the_app_takes_traefik_only_and_reaches_postgres_dns_and_https_only() -> None:
    app = _one("Deployment", "ordinarthur-os")["spec"]["template"]["spec"]["containers"][0]
    (port,) = app["ports"]
    assert _allowed("ordinarthur-os", "ingress") == {(TRAEFIK, port["containerPort"], TCP)}
    assert _allowed("ordinarthur-os", "egress") == {
        (_pod("postgres"), 5432, TCP),
        (DNS, 53, UDP),
        (DNS, 53, TCP),
        (INTERNET, 443, TCP),
    }


def test_postgres_is_reached_by_the_app_the_migration_and_the_backup_only() -> None:
    (port,) = _one("Service", "postgres")["spec"]["ports"]
    assert port["port"] == 5432
    clients = ("ordinarthur-os", "ordinarthur-os-migrate", "ordinarthur-os-backup")
    assert _allowed("postgres", "ingress") == {(_pod(c), 5432, TCP) for c in clients}
    assert _allowed("postgres", "egress") == set()
    for client in clients:
        assert (_pod("postgres"), 5432, TCP) in _allowed(client, "egress"), client


def test_the_jobs_reach_what_they_need_only() -> None:
    database_and_dns = {(_pod("postgres"), 5432, TCP), (DNS, 53, UDP), (DNS, 53, TCP)}
    assert _allowed("ordinarthur-os-migrate", "egress") == database_and_dns
    assert _allowed("ordinarthur-os-backup", "egress") == database_and_dns | {(INTERNET, 443, TCP)}
    for job in ("ordinarthur-os-migrate", "ordinarthur-os-backup"):
        assert _allowed(job, "ingress") == set(), job


# ---------------------------------------------------------------- images and backups

DIGEST = re.compile(r"^[a-z0-9][a-z0-9./-]*:[\w.-]+@sha256:[0-9a-f]{64}$")


def test_every_image_is_pinned_by_digest() -> None:
    workflow = yaml.safe_load((ROOT / ".gitea" / "workflows" / "deploy.yml").read_text())
    own = workflow["env"]["IMAGE"]
    for where, pod in _pod_specs():
        for container in _containers(pod):
            image = container["image"]
            if image.startswith(f"{own}:"):
                continue  # the workflow runs each commit's image by the digest it pushed
            assert DIGEST.match(image), f"{where} {container['name']}: {image}"
    # The backup's pg_dump is the server's own image: same major version, same digest.
    (server,) = _one("StatefulSet", "postgres")["spec"]["template"]["spec"]["containers"]
    backup = _one("CronJob", "ordinarthur-os-backup")["spec"]["jobTemplate"]["spec"]["template"]
    (dump,) = backup["spec"]["initContainers"]
    assert dump["image"] == server["image"]


def test_backups_leave_the_cluster_encrypted_by_an_rclone_crypt_remote() -> None:
    secret = _secret_data("ordinarthur-os-backup-secrets")
    name = secret["RCLONE_REMOTE"].split(":", 1)[0].upper()
    assert secret[f"RCLONE_CONFIG_{name}_TYPE"] == "crypt"
    for option in ("PASSWORD", "PASSWORD2"):
        assert PLACEHOLDER.fullmatch(secret[f"RCLONE_CONFIG_{name}_{option}"]), option
    assert secret[f"RCLONE_CONFIG_{name}_FILENAME_ENCRYPTION"] == "standard"
    wrapped = secret[f"RCLONE_CONFIG_{name}_REMOTE"].split(":", 1)[0].upper()
    assert wrapped != name
    assert secret[f"RCLONE_CONFIG_{wrapped}_TYPE"] not in ("crypt", "alias", "local")
    # The upload goes through the crypt remote, never to the storage remote directly.
    cronjob = _one("CronJob", "ordinarthur-os-backup")
    (upload,) = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    assert 'rclone copy /backup "$RCLONE_REMOTE"' in _script(upload)
    assert f"{wrapped.lower()}:" not in _script(upload)
