// The payment page with real Stripe keys: Stripe's Payment Element, mounted with the PaymentIntent's
// client secret, confirms the payment; Stripe then sends the payer to the receipt page (return_url),
// whose state the webhook settles. Loaded after https://js.stripe.com/v3 (both deferred, in order).
"use strict";

const mount = document.getElementById("payment-element");
const form = document.getElementById("paiement-carte");
const message = document.getElementById("paiement-message");
const unavailable = document.getElementById("paiement-indisponible");

if (mount && form && typeof window.Stripe === "function") {
  const stripe = window.Stripe(mount.dataset.publishableKey);
  const elements = stripe.elements({ clientSecret: mount.dataset.clientSecret, locale: "fr" });
  elements.create("payment").mount(mount);
  form.hidden = false;
  unavailable.hidden = true;
  const button = form.querySelector("button[type=submit]");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    message.textContent = "";
    const { error } = await stripe.confirmPayment({
      elements, confirmParams: { return_url: mount.dataset.returnUrl },
    });
    // reached only when the payment could not go on (otherwise the browser is on its way to return_url)
    message.textContent = (error && error.message) || "Le paiement n'a pas abouti : vérifiez votre carte.";
    button.disabled = false;
  });
}
