// The home page's live feed: events from /api/events (server-sent events) added to the list the server
// rendered, newest first. Without JavaScript the list is still there, as of the page's loading.
(function () {
  "use strict";
  var list = document.querySelector("[data-live-feed]");
  if (!list || !window.EventSource) { return; }
  var status = document.querySelector("[data-live-status]");
  var KEEP = 8;
  var PATHS = { initiative: "initiatives", support_provider: "accompagnement", takeover: "reprises",
                volunteer_offer: "mecenat" };
  var SINGULAR = { initiative: "initiative", support_provider: "structure d'accompagnement",
                   takeover: "reprise d'activité", volunteer_offer: "offre de mécénat" };
  var LISTING_STATES = { draft: "en brouillon", pending_review: "en attente de modération", published: "publiée",
                         rejected: "refusée", archived: "archivée", merged: "fusionnée avec une autre annonce" };
  var MATCH_STATES = { suggested: "suggéré", contacted: "contact pris", in_discussion: "en discussion",
                       partnership: "partenariat", declined: "décliné" };

  function path(listing) { return "/" + PATHS[listing.listing_kind] + "/" + listing.listing_id; }
  function euros(cents) { return (cents / 100).toFixed(2).replace(".", ",") + " €"; }

  var DESCRIBE = {
    listing_published: function (e) {
      return ["Nouvelle " + SINGULAR[e.listing_kind] + " : « " + e.title + " »" +
              (e.department ? " (" + e.department + ")" : ""), path(e)];
    },
    partnership: function (e) {
      return ["Partenariat entre « " + e.initiative.title + " » et « " + e.candidate.title + " »",
              path(e.initiative)];
    },
    pledge_settled: function (e) {
      return [(e.amount_cents ? "Un don de " + euros(e.amount_cents) : "Un don") + " pour « " + e.title + " »",
              path(e)];
    },
    listing_moderated: function (e) {
      return ["Votre annonce « " + e.title + " » est " + (LISTING_STATES[e.to_status] || e.to_status), path(e)];
    },
    match_moved: function (e) {
      return ["Mise en relation « " + e.initiative.title + " » – « " + e.candidate.title + " » : " +
              (MATCH_STATES[e.to_status] || e.to_status), "/mes-mises-en-relation#rapprochement-" + e.match_id];
    }
  };

  function show(message) {
    var event = JSON.parse(message.data);
    if (list.querySelector('[data-event-id="' + event.id + '"]')) { return; }
    var described = DESCRIBE[event.kind](event);
    var item = document.createElement("li");
    item.dataset.eventId = String(event.id);
    var link = document.createElement("a");
    link.href = described[1];
    link.textContent = described[0];
    item.appendChild(link);
    if (event.at) {
      var time = document.createElement("time");
      time.className = "meta";
      time.dateTime = event.at;
      time.textContent = " " + new Date(event.at).toLocaleString("fr-FR", { dateStyle: "short", timeStyle: "short" });
      item.appendChild(time);
    }
    list.insertBefore(item, list.firstChild);
    while (list.children.length > KEEP) { list.removeChild(list.lastChild); }
    var empty = document.querySelector("[data-live-empty]");
    if (empty) { empty.remove(); }
  }

  var after = list.dataset.after;
  var source = new EventSource("/api/events" + (after ? "?after=" + encodeURIComponent(after) : ""));
  Object.keys(DESCRIBE).forEach(function (kind) { source.addEventListener(kind, show); });
  source.addEventListener("open", function () { if (status) { status.textContent = "Mis à jour en direct."; } });
  source.addEventListener("error", function () {
    if (status) { status.textContent = "Connexion au direct interrompue : nouvelle tentative…"; }
  });
})();
