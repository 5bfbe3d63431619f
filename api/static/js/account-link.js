// The emails sent before their links carried the token in the query had it in the fragment
// (#jeton=...), which no browser sends: put it in the form's hidden field and take it out of the
// address bar. Without JavaScript, those older links need a new one; the current ones work as is.
"use strict";

const field = document.querySelector("input[data-link-token]");
const fromFragment = new URLSearchParams(location.hash.slice(1)).get("jeton");
if (field && fromFragment && !field.value) field.value = fromFragment;
if (location.hash || location.search) history.replaceState(null, "", location.pathname);
