/** Every migration, imported statically so the compiled binary carries them. Append only. */
import type { Migration } from 'kysely'
import * as initial from './2026_11_23_000_initial.ts'
import * as purgeIndexes from './2026_11_23_500_purge_indexes.ts'
import * as partialTokenIndexes from './2026_11_23_700_partial_token_indexes.ts'
import * as partialFamilyIndex from './2026_11_23_900_partial_family_index.ts'
import * as applicationLiveTokenIndexes from './2026_11_23_950_application_live_token_indexes.ts'
import * as liveTokenCounts from './2026_11_28_000_live_token_counts.ts'
import * as caseInsensitiveIdentities from './2026_12_02_000_case_insensitive_identities.ts'
import * as refreshTokenNonce from './2026_12_02_100_refresh_token_nonce.ts'
import * as groups from './2026_12_02_200_groups.ts'
import * as userNumbers from './2026_12_02_300_user_numbers.ts'
import * as refreshGracePeriod from './2026_12_02_400_refresh_grace_period.ts'
import * as applicationDefaultScopes from './2026_12_02_450_application_default_scopes.ts'
import * as applicationGroups from './2026_12_02_500_application_groups.ts'
import * as emailVerified from './2026_12_02_600_email_verified.ts'
import * as accountSelfService from './2026_12_03_300_account_self_service.ts'
import * as clientRegistration from './2026_12_03_400_client_registration.ts'
import * as clientMetadataDocuments from './2026_12_03_500_client_metadata_documents.ts'

export const migrations: Record<string, Migration> = {
  '2026_11_23_000_initial': initial,
  '2026_11_23_500_purge_indexes': purgeIndexes,
  '2026_11_23_700_partial_token_indexes': partialTokenIndexes,
  '2026_11_23_900_partial_family_index': partialFamilyIndex,
  '2026_11_23_950_application_live_token_indexes': applicationLiveTokenIndexes,
  '2026_11_28_000_live_token_counts': liveTokenCounts,
  '2026_12_02_000_case_insensitive_identities': caseInsensitiveIdentities,
  '2026_12_02_100_refresh_token_nonce': refreshTokenNonce,
  '2026_12_02_200_groups': groups,
  '2026_12_02_300_user_numbers': userNumbers,
  '2026_12_02_400_refresh_grace_period': refreshGracePeriod,
  '2026_12_02_450_application_default_scopes': applicationDefaultScopes,
  '2026_12_02_500_application_groups': applicationGroups,
  '2026_12_02_600_email_verified': emailVerified,
  '2026_12_03_300_account_self_service': accountSelfService,
  '2026_12_03_400_client_registration': clientRegistration,
  '2026_12_03_500_client_metadata_documents': clientMetadataDocuments,
}
