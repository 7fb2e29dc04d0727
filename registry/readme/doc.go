// Package readme finds a package's README inside its Hex tarball and turns
// it into HTML that is safe to put on a page of the registry's website.
//
// A README is whatever the package author wrote, so it is untrusted: the
// Markdown is rendered with raw HTML allowed (READMEs use it for centred
// logos and badges), and then every URL is checked and the whole result is
// sanitised, so that no script, style, frame, event handler or javascript:
// URL survives. Relative links and images point at files in the author's
// source repository, not at this site: they become absolute when the
// package links to a repository on a known forge, and are removed
// otherwise.
package readme
