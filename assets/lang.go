package assets

import "embed"

// Translations holds the app's catalogues, lang/<language>.json (en, de,
// fr, es, pt_BR), keyed by the English text (see README "Translations").
//
//go:embed lang/*.json
var Translations embed.FS
