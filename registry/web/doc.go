// Package web is the registry's website: signing up and in (with a second
// factor when the account has one), sudo mode, the security settings that
// enrol and remove two-factor authentication, and the pages where a person
// approves a device's OAuth login (RFC 8628).
//
// Pages are rendered on the server from html/template and work without
// JavaScript. Every form is protected against cross-site request forgery
// twice: by a token bound to the browser's session (or to a cookie before
// sign-in) and by the browser's Sec-Fetch-Site and Origin headers. A
// session is a random cookie; the store keeps only its SHA-256.
package web
