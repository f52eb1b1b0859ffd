import { isoUtc } from '../domain/clock.js';
import { type EventsDeps, type Handlers, need, onBorrower } from './apply.js';
import { logChange } from './consent.js';
import { recordProfileChange } from './profile-ledger.js';

const newer = (at: string, than: string | undefined) =>
  than === undefined || Date.parse(at) > Date.parse(than);

/**
 * BorrowerPreferencesChanged: preferred contact hours and language, each replaced only by a newer
 * choice (per field: a language chosen later is not undone by hours chosen earlier, delivered late).
 * The language is one the templates speak (the borrower picks from them; a loan record's BCP 47 tag is
 * matched at intake instead, functions/domain/locale.ts, whose CLDR data would add 30 KB to every
 * function that applies events). Both are
 * logged in the profile's changes, and recorded in the ledger (a PROFILE record on each active case's
 * profile chain); the stage reads them before every contact.
 */
export const preferenceHandlers = (deps: EventsDeps): Handlers<'BorrowerPreferencesChanged'> => ({
  BorrowerPreferencesChanged: async (d) => {
    const ledger = need(deps.profileLedger, 'ledger writer');
    const result = await onBorrower(deps, d.borrowerId, (p, now) => {
      const recordedAt = isoUtc(now);
      const prefs = { ...p.preferences };
      let changed = false;
      if (d.contactWindow !== undefined && newer(d.at, prefs.windowAt)) {
        if (d.contactWindow === null) delete prefs.window;
        else prefs.window = d.contactWindow;
        prefs.windowAt = d.at;
        logChange(p, {
          type: 'CONTACT_WINDOW',
          ...(d.contactWindow ? { window: d.contactWindow } : {}),
          at: d.at,
          recordedAt,
        });
        changed = true;
      }
      if (d.language !== undefined && newer(d.at, prefs.languageAt)) {
        prefs.language = d.language;
        prefs.languageAt = d.at;
        p.locale = d.language;
        logChange(p, { type: 'LOCALE', requested: d.language, locale: d.language, how: 'EXACT', recordedAt });
        changed = true;
      }
      if (!changed) return 'NEWER_PREFERENCES';
      p.preferences = prefs;
      return undefined;
    });
    if (!result.applied) return result;
    const window =
      d.contactWindow === null
        ? 'NONE'
        : d.contactWindow && `${d.contactWindow.start}-${d.contactWindow.end}`;
    await recordProfileChange(ledger, result.view, d.at, 'PREFERENCES_CHANGED', {
      ...(window ? { window } : {}),
      ...(d.language ? { language: d.language } : {}),
    });
    return { applied: true };
  },
});
