/* Milieu — the citizen-card verifier, in the browser and offline once the keys are synced.

   A card is a compact JWS (EdDSA, typ "citizen-card+jws") signed by its municipality's Ed25519
   key. This script checks it the way accounts/card.py does, in the same order:
   malformed → unknown_key → bad_signature → expired → not_yet_valid → revoked.
   Keys (/.well-known/citizen-card/jwks.json) and the revocation list
   (/.well-known/citizen-card/revocations.json) are kept in localStorage; the service worker keeps
   a copy too. Signatures are checked with WebCrypto's Ed25519; without it (or without
   JavaScript) the form posts to the server, which gives the same verdict.
   No third-party code. `window.milieuCardVerifier` offers sync(), check(token) and ready.
*/
(function () {
  "use strict";

  const STORE = "milieu.citizenCard.verifier.v1";
  const AUTO_SYNC_AFTER_MS = 5 * 60 * 1000;

  function readJson(id) {
    const element = document.getElementById(id);
    try {
      return element ? JSON.parse(element.textContent) : null;
    } catch (error) {
      return null;
    }
  }

  const config = readJson("card-verifier-config");
  const text = readJson("card-verifier-messages");
  const form = document.getElementById("verify-form");
  const input = document.getElementById("verify-input");
  const result = document.getElementById("verify-result");
  const syncSection = document.getElementById("verifier-sync");
  const syncStatus = document.getElementById("sync-status");
  const syncButton = document.getElementById("sync-now");
  const scanButton = document.getElementById("scan-start");
  const video = document.getElementById("scan-video");
  if (!config || !text || !form || !input || !result) {
    return;
  }

  let local = Boolean(
    window.crypto && window.crypto.subtle && window.TextEncoder && window.TextDecoder,
  );
  if (!local) {
    return; // the form posts to the server
  }

  const language = document.documentElement.lang || undefined;
  const dateFormat = new Intl.DateTimeFormat(language, { dateStyle: "long" });
  const timeFormat = new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" });

  class CardError extends Error {
    constructor(code) {
      super(code);
      this.code = code;
    }
  }

  // --- Keys and revocation list on this device ------------------------------------------------

  function load() {
    try {
      const raw = window.localStorage.getItem(STORE);
      const state = raw ? JSON.parse(raw) : null;
      return state && state.jwks && state.revocations ? state : null;
    } catch (error) {
      return null;
    }
  }

  let state = load();

  function save(next) {
    state = next;
    try {
      window.localStorage.setItem(STORE, JSON.stringify(next));
    } catch (error) {
      // Storage refused (private browsing, full): keep the keys for this visit.
    }
  }

  function showSyncStatus(extra) {
    if (!syncStatus) {
      return;
    }
    let message = text.never_synced;
    if (state) {
      message = text.synced.replace("%(time)s", timeFormat.format(new Date(state.generatedAt)));
      syncStatus.dataset.syncedAt = state.generatedAt;
    } else {
      delete syncStatus.dataset.syncedAt;
    }
    syncStatus.textContent = extra ? message + " " + extra : message;
  }

  async function fetchJson(url) {
    const response = await fetch(url, {
      credentials: "omit",
      cache: "no-cache",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) {
      throw new Error("HTTP " + response.status);
    }
    return response.json();
  }

  let syncing = null;

  /* Download the keys and the revocation list. Resolves to true when this device has them
     (possibly the service worker's copy when offline), false otherwise. */
  function sync() {
    if (syncing) {
      return syncing;
    }
    if (syncStatus) {
      syncStatus.textContent = text.syncing;
    }
    syncing = Promise.all([fetchJson(config.jwks), fetchJson(config.revocations)])
      .then(function ([jwks, revocations]) {
        if (
          !jwks ||
          !Array.isArray(jwks.keys) ||
          !revocations ||
          !Array.isArray(revocations.revoked) ||
          typeof revocations.generated_at !== "string"
        ) {
          throw new Error("format");
        }
        const newer = !state || Date.parse(revocations.generated_at) >= Date.parse(state.generatedAt);
        if (newer) {
          save({
            jwks: jwks,
            revocations: revocations,
            generatedAt: revocations.generated_at,
            fetchedAt: new Date().toISOString(),
          });
        }
        showSyncStatus();
        return true;
      })
      .catch(function () {
        showSyncStatus(text.sync_failed);
        return Boolean(state);
      })
      .finally(function () {
        syncing = null;
      });
    return syncing;
  }

  // --- Checking a token -------------------------------------------------------------------------

  function bytes(part) {
    if (!/^[A-Za-z0-9_-]+$/.test(part) || part.length % 4 === 1) {
      throw new CardError("malformed");
    }
    const base64 = part.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((part.length + 3) % 4);
    let binary;
    try {
      binary = window.atob(base64);
    } catch (error) {
      throw new CardError("malformed");
    }
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) {
      out[i] = binary.charCodeAt(i);
    }
    return out;
  }

  function object(part) {
    let value;
    try {
      value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes(part)));
    } catch (error) {
      throw new CardError("malformed");
    }
    if (!value || typeof value !== "object" || Array.isArray(value)) {
      throw new CardError("malformed");
    }
    return value;
  }

  async function verify(raw) {
    const token = String(raw || "").replace(/\s+/g, "");
    if (!token) {
      throw new CardError("empty");
    }
    const parts = token.split(".");
    if (token.length > config.maxLength || parts.length !== 3) {
      throw new CardError("malformed");
    }
    const header = object(parts[0]);
    const payload = object(parts[1]);
    const signature = bytes(parts[2]);
    if (
      header.alg !== "EdDSA" ||
      header.typ !== config.type ||
      typeof header.kid !== "string" ||
      "crit" in header ||
      signature.length !== 64 ||
      ["iss", "sub", "name", "jti"].some((claim) => typeof payload[claim] !== "string") ||
      ["exp", "iat", "nbf"].some((claim) => !Number.isInteger(payload[claim]))
    ) {
      throw new CardError("malformed");
    }
    if (!state) {
      throw new CardError("no_keys");
    }
    const jwk = state.jwks.keys.find(
      (key) =>
        key &&
        key.kid === header.kid &&
        key.municipality === payload.iss &&
        key.kty === "OKP" &&
        key.crv === "Ed25519",
    );
    if (!jwk) {
      throw new CardError("unknown_key");
    }
    let publicKey;
    try {
      publicKey = await window.crypto.subtle.importKey(
        "jwk",
        { kty: "OKP", crv: "Ed25519", x: jwk.x },
        { name: "Ed25519" },
        false,
        ["verify"],
      );
    } catch (error) {
      throw new CardError(error && error.name === "NotSupportedError" ? "unsupported" : "unknown_key");
    }
    const signed = new TextEncoder().encode(parts[0] + "." + parts[1]);
    let valid;
    try {
      valid = await window.crypto.subtle.verify({ name: "Ed25519" }, publicKey, signature, signed);
    } catch (error) {
      throw new CardError(error && error.name === "NotSupportedError" ? "unsupported" : "bad_signature");
    }
    if (!valid) {
      throw new CardError("bad_signature");
    }
    const now = Date.now() / 1000;
    if (now >= payload.exp) {
      throw new CardError("expired");
    }
    if (payload.nbf > now + config.leeway) {
      throw new CardError("not_yet_valid");
    }
    const revoked = state.revocations.revoked.some(
      (entry) => entry && entry.iss === payload.iss && entry.sub === payload.sub,
    );
    if (revoked) {
      throw new CardError("revoked");
    }
    return { claims: payload, municipalityName: jwk.municipality_name || payload.iss };
  }

  /* Verify, and when the key is unknown (or none is here yet) sync once and try again: a
     municipality may have rotated its key since the last sync. */
  async function verifyFresh(raw) {
    try {
      return await verify(raw);
    } catch (error) {
      const retry = error instanceof CardError && ["unknown_key", "no_keys"].includes(error.code);
      if (retry && navigator.onLine && (await sync())) {
        return verify(raw);
      }
      throw error;
    }
  }

  // --- Showing the result -----------------------------------------------------------------------

  function element(tag, content) {
    const node = document.createElement(tag);
    if (content !== undefined) {
      node.textContent = content;
    }
    return node;
  }

  function show(valid, code, nodes) {
    result.textContent = "";
    result.dataset.valid = String(valid);
    result.dataset.code = code;
    result.dataset.source = "browser";
    nodes.forEach((node) => result.appendChild(node));
  }

  function title(message) {
    const paragraph = element("p");
    paragraph.appendChild(element("strong", message));
    return paragraph;
  }

  function showValid(outcome) {
    const list = element("dl");
    const rows = [
      [text.name, outcome.claims.name],
      [text.municipality, outcome.municipalityName],
      [text.citizen_id, outcome.claims.sub],
      [text.valid_until, dateFormat.format(new Date(outcome.claims.exp * 1000))],
    ];
    rows.forEach(([term, value]) => {
      list.appendChild(element("dt", term));
      list.appendChild(element("dd", value));
    });
    const note = element("p", text.checked_here);
    note.className = "small";
    show(true, "valid", [title(text.valid_title), list, note]);
  }

  function showRefused(code) {
    show(false, code, [title(text.invalid_title), element("p", text[code] || text.malformed)]);
  }

  function showNote(code, message) {
    result.textContent = "";
    result.dataset.code = code;
    delete result.dataset.valid;
    result.appendChild(element("p", message));
  }

  async function check(raw) {
    showNote("checking", text.checking);
    result.setAttribute("aria-busy", "true");
    try {
      showValid(await verifyFresh(raw));
      return true;
    } catch (error) {
      const code = error instanceof CardError ? error.code : "malformed";
      if (code === "unsupported") {
        local = false;
        showNote(code, text.server_fallback);
        form.submit(); // the server checks it
        return false;
      }
      if (code === "empty" || code === "no_keys") {
        showNote(code, text[code]);
      } else {
        showRefused(code);
      }
      return false;
    } finally {
      result.removeAttribute("aria-busy");
    }
  }

  form.addEventListener("submit", function (event) {
    if (!local) {
      return;
    }
    event.preventDefault();
    check(input.value);
  });

  // --- Scanning with the camera (where the browser has BarcodeDetector) ------------------------

  let stream = null;
  let timer = null;

  function stopScan() {
    window.clearTimeout(timer);
    if (stream) {
      stream.getTracks().forEach((track) => track.stop());
    }
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    scanButton.textContent = text.scan;
  }

  async function startScan() {
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment" },
        audio: false,
      });
    } catch (error) {
      stream = null;
      showNote("camera_error", text.camera_error);
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    scanButton.textContent = text.scan_stop;
    showNote("scanning", text.scanning);
    await video.play().catch(() => undefined);
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    const tick = async function () {
      if (!stream) {
        return;
      }
      try {
        const found = (await detector.detect(video)).find((code) => code.rawValue);
        if (found) {
          stopScan();
          input.value = found.rawValue;
          check(found.rawValue);
          return;
        }
      } catch (error) {
        // The video has no frame yet.
      }
      timer = window.setTimeout(tick, 250);
    };
    tick();
  }

  async function offerScan() {
    if (
      !scanButton ||
      !video ||
      !("BarcodeDetector" in window) ||
      !navigator.mediaDevices ||
      !navigator.mediaDevices.getUserMedia
    ) {
      return;
    }
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (!formats.includes("qr_code")) {
        return;
      }
    } catch (error) {
      return;
    }
    scanButton.hidden = false;
    scanButton.addEventListener("click", () => (stream ? stopScan() : startScan()));
  }

  // --- Start ------------------------------------------------------------------------------------

  if (syncSection) {
    syncSection.hidden = false;
  }
  showSyncStatus();
  if (syncButton) {
    syncButton.addEventListener("click", () => sync());
  }
  window.addEventListener("online", () => sync());
  const stale = !state || !(Date.now() - Date.parse(state.fetchedAt) < AUTO_SYNC_AFTER_MS);
  const ready = navigator.onLine && stale ? sync() : Promise.resolve(Boolean(state));
  offerScan();

  window.milieuCardVerifier = { sync: sync, check: check, ready: ready };
})();
