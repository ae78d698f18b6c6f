package accounts

// presetHelp are storage/profiles' preset help lines (storage has no
// Fyne, so no lang): the form shows them as lang.L(help), and these copies
// put them in the catalogue (i18n:keys). TestPresetHelpIsCatalogued keeps
// them equal to the presets'.
var presetHelp = []string{
	"Leave the endpoint empty. Use access keys, or link a profile of ~/.aws/config (SSO, roles, credential_process).",
	"Your account ID is on the R2 overview page; create an API token with R2 read/write permission for the keys.",
	"The region is in the bucket's S3 endpoint, e.g. us-west-004; use an application key (keyID and applicationKey).",
	"Use the endpoint of the region your buckets are in, e.g. s3.eu-central-1.wasabisys.com.",
	"The API port (9000 by default), not the console port.",
	"Ceph, versitygw, Garage, SeaweedFS, ...: the service's S3 endpoint URL.",
}
