/** @module German (Sie-form). Its type is English's shape, so a missing key or parameter fails the type check. */
import { html } from '../safe-html.ts'
import type { Messages } from './en.ts'

const b = (s: string) => html`<strong>${s}</strong>`

export const de: Messages = {
  language: 'Deutsch',
  layout: {
    signedInAs: (username: string) => html`Angemeldet als ${b(username)}`,
    signOut: 'Abmelden',
    accountNav: 'Konto',
  },
  login: {
    title: 'Anmelden',
    continueTo: (application: string) => html`Melden Sie sich an, um mit ${b(application)} fortzufahren`,
    sentBackTo: (host: string) => html`Danach werden Sie zu ${b(host)} zurückgeleitet.`,
    username: 'Benutzername',
    password: 'Passwort',
    submit: 'Anmelden',
    signedInNotice: (username: string) => html`Sie sind als ${b(username)} angemeldet.`,
    continueToAccount: 'Weiter zu Ihrem Konto',
    signInAgain: 'Oder melden Sie sich erneut an, als Sie selbst oder als jemand anderes:',
    invalid: 'Benutzername oder Passwort ist falsch.',
    limited: 'Zu viele fehlgeschlagene Anmeldeversuche. Warten Sie einige Minuten und versuchen Sie es erneut.',
    busy: 'Gerade melden sich zu viele Personen an. Versuchen Sie es in einigen Sekunden erneut.',
  },
  logout: {
    title: 'Abmelden',
    signedInAs: (username: string) => html`Angemeldet als ${b(username)}.`,
    submit: 'Abmelden',
    doneTitle: 'Abgemeldet',
    done: (instance: string) => `Sie sind von ${instance} abgemeldet.`,
    signInAgain: 'Erneut anmelden',
  },
  home: {
    intro: (instance: string) => `${instance} ist ein OAuth-2.0- und OpenID-Connect-Anbieter.`,
    account: 'Ihr Konto',
    accountHint: 'Profil, Passwort, Sitzungen und persönliche Zugriffstokens',
    applications: 'Autorisierte Anwendungen',
    applicationsHint: 'sehen und widerrufen, was Sie Anwendungen erlaubt haben',
    device: 'Gerät verbinden',
    deviceHint: 'den Code eingeben, den ein Fernseher, eine Kommandozeile oder ein Git-Helfer anzeigt',
    signIn: 'Melden Sie sich an',
    signInHint: 'um die von Ihnen autorisierten Anwendungen zu sehen und zu widerrufen oder ein Gerät zu verbinden.',
  },
  consent: {
    title: 'Zugriff erlauben',
    wants: (application: string, username: string, unverified: boolean) =>
      html`${b(application)}${unverified ? ' (unbestätigt)' : ''} möchte auf Ihr Konto ${b(username)} zugreifen.`,
    website: 'Website',
    privacyPolicy: 'Datenschutzerklärung',
    terms: 'Nutzungsbedingungen',
    selfRegistered: (instance: string) => html`${b('Unbestätigt:')} Diese Anwendung hat sich selbst registriert.
${instance} hat Name, Logo und Links nicht geprüft; erlauben Sie nur, wenn Sie dem Ziel der Rückleitung vertrauen.`,
    unverifiedHost: (redirectHost: string, documentHost: string) => html`Sie werden zu ${b(redirectHost)} geleitet.
Der Name unten ist eine eigene Angabe der Anwendung, ${b('unbestätigt')}: Sie beschreibt sich unter
${b(documentHost)}.`,
    willBeAble: 'Die Anwendung darf dann:',
    asksMore: 'Sie bittet um mehr Zugriff, als Sie bisher erlaubt haben. Neu:',
    alreadyApproved: 'Bereits erlaubt:',
    sentBackTo: (host: string) => html`Sie werden zu ${b(host)} zurückgeleitet.`,
    approve: 'Erlauben',
    deny: 'Ablehnen',
  },
  device: {
    entryTitle: 'Gerät verbinden',
    entryIntro: 'Geben Sie den Code ein, den Ihr Gerät anzeigt.',
    code: 'Code',
    submit: 'Weiter',
    wrongCode:
      'Dieser Code ist ungültig. Prüfen Sie ihn und versuchen Sie es erneut, ' +
      'oder beginnen Sie auf Ihrem Gerät von vorn.',
    confirmTitle: 'Gerät autorisieren',
    wants: (application: string, username: string) =>
      html`${b(application)} möchte auf einem Gerät auf Ihr Konto ${b(username)} zugreifen.`,
    warning: (userCode: string) => html`Fahren Sie nur fort, wenn Sie dies gerade selbst auf Ihrem eigenen Gerät
begonnen haben und der Code ${b(userCode)} mit dem dort angezeigten übereinstimmt. Bestätigen Sie nie einen Code,
den Ihnen jemand geschickt hat.`,
    approve: 'Erlauben',
    deny: 'Ablehnen',
    connectedTitle: 'Gerät verbunden',
    connected: 'Sie können zu Ihrem Gerät zurückkehren.',
    deniedTitle: 'Anfrage abgelehnt',
    denied: 'Das Gerät hat keinen Zugriff erhalten.',
    notAllowedHint: `Die Administratoren haben sie nur für Mitglieder bestimmter Gruppen freigegeben. Das Gerät hat eine
Absage erhalten; bitten Sie sie, Sie aufzunehmen, oder melden Sie sich mit einem anderen Konto an und beginnen Sie
auf dem Gerät von vorn.`,
  },
  account: {
    applicationsTitle: 'Autorisierte Anwendungen',
    applicationsNav: 'Anwendungen',
    groups: (groups: string[]) => `Ihre Gruppen: ${groups.join(', ')}.`,
    noGroups: 'Sie gehören keiner Gruppe an.',
    noApplications: 'Sie haben noch keine Anwendung autorisiert.',
    revoke: 'Widerrufen',
    revoked: 'Zugriff widerrufen. Die Tokens der Anwendung funktionieren nicht mehr.',
    nothingToRevoke: 'Nichts zu widerrufen.',
  },
  errors: {
    cannotContinueTitle: 'Fortfahren nicht möglich',
    cannotContinue: (instance: string) =>
      `Die Anwendung, die Sie hierher geschickt hat, hat eine Anfrage gestellt, die ${instance} nicht annehmen kann.
Sie können diese Seite schließen.`,
    somethingWrong: 'Etwas ist schiefgelaufen.',
    formExpiredTitle: 'Dieses Formular ist abgelaufen',
    formExpired: (instance: string) => `${instance} hat dieses Formular nicht ausgeführt: Es war zu lange geöffnet
oder wurde aus einem anderen Browser oder einer anderen Sitzung gesendet (etwa nach dem Abmelden). Nichts wurde
geändert.`,
    startAgain: 'Von vorn beginnen',
    notFoundTitle: 'Seite nicht gefunden',
    notFound: 'Unter dieser Adresse gibt es keine Seite.',
    home: 'Zur Startseite',
    unavailableTitle: 'Vorübergehend nicht verfügbar',
    unavailable: (instance: string) => `${instance} kann seine Datenbank gerade nicht erreichen.`,
    unavailableHint: 'Das liegt nicht an Ihnen. Warten Sie einen Moment und laden Sie die Seite dann neu.',
    notAllowedTitle: 'Nicht erlaubt',
    notAllowed: (username: string, application: string) =>
      html`Ihr Konto ${b(username)} darf ${b(application)} nicht verwenden.`,
    notAllowedHint: `Die Administratoren haben sie nur für Mitglieder bestimmter Gruppen freigegeben. Bitten Sie sie,
Sie aufzunehmen, oder melden Sie sich mit einem anderen Konto an.`,
    backTo: (application: string) => `Zurück zu ${application}`,
  },
  accountPages: {
    profileNav: 'Profil',
    passwordNav: 'Passwort',
    sessionsNav: 'Sitzungen',
    tokensNav: 'Persönliche Zugriffstokens',
    atLeast8: 'Mindestens 8 Zeichen.',
    busy: (instance: string) =>
      `${instance} prüft gerade viele andere Passwörter. Versuchen Sie es in einigen Sekunden erneut.`,
    passwordsDiffer: 'Die beiden Passwörter stimmen nicht überein.',
    newPasswordsDiffer: 'Die beiden neuen Passwörter stimmen nicht überein.',
    profileTitle: 'Ihr Profil',
    name: 'Name',
    email: 'E-Mail-Adresse',
    emailVerified: 'Von einem Administrator bestätigt. Eine Änderung hebt die Bestätigung auf.',
    emailUnverified:
      'Nicht bestätigt. Auch nach einer Änderung bleibt sie unbestätigt, bis ein Administrator sie bestätigt.',
    emailNone: 'Eine geänderte Adresse ist unbestätigt, bis ein Administrator sie bestätigt.',
    save: 'Speichern',
    profileSaved: 'Ihr Profil ist gespeichert.',
    passwordTitle: 'Passwort ändern',
    currentPassword: 'Aktuelles Passwort',
    newPassword: 'Neues Passwort',
    newPasswordAgain: 'Neues Passwort wiederholen',
    passwordSignsOut:
      'Wenn Sie Ihr Passwort ändern, werden Sie überall sonst abgemeldet; dieser Browser bleibt angemeldet.',
    changePassword: 'Passwort ändern',
    passwordChanged: 'Ihr Passwort ist geändert. Alle anderen Browser sind abgemeldet.',
    sessionsTitle: 'Angemeldete Sitzungen',
    browser: 'Browser',
    from: 'Von',
    signedIn: 'Angemeldet',
    lastSeen: 'Zuletzt aktiv',
    action: 'Aktion',
    thisBrowser: '(dieser Browser)',
    unknown: 'unbekannt',
    endSession: 'Sitzung beenden',
    endOthers: 'Alle anderen Sitzungen beenden',
    noOthers: 'Kein anderer Browser ist mit Ihrem Konto angemeldet.',
    othersEnded: (n: number) =>
      n === 1 ? 'Eine andere Sitzung wurde beendet.' : `${n} andere Sitzungen wurden beendet.`,
    sessionEnded: 'Die Sitzung ist beendet. Dieser Browser ist abgemeldet.',
    endThisBySigningOut: 'Um diese Sitzung zu beenden, melden Sie sich ab.',
    alreadyEnded: 'Diese Sitzung war bereits beendet.',
    tokensTitle: 'Persönliche Zugriffstokens',
    newToken: 'Ihr neues Token',
    copyNow: (scopes: string) =>
      html`Kopieren Sie es jetzt: Es wird nur dieses eine Mal angezeigt. Es trägt <code>${scopes}</code>.`,
    token: 'Token',
    tokensIntro: html`Mit persönlichen Zugriffstokens handeln Skripte und Kommandozeilenwerkzeuge in Ihrem Namen,
mit den Scopes, die Sie wählen. Senden Sie eines als <code>Authorization: Bearer TOKEN</code>.`,
    yourTokens: 'Ihre Tokens',
    noTokens: 'Sie haben kein aktives persönliches Zugriffstoken.',
    made: (when: string) => `erstellt ${when}`,
    neverExpires: 'läuft nie ab',
    expires: (when: string) => `läuft ab ${when}`,
    neverUsed: 'nie benutzt',
    lastUsed: (when: string) => `zuletzt benutzt ${when}`,
    revoke: 'Widerrufen',
    makeToken: 'Token erstellen',
    scopes: 'Scopes',
    expiresAfter: 'Läuft ab nach',
    lifetimes: {
      '604800': '7 Tagen',
      '2592000': '30 Tagen',
      '7776000': '90 Tagen',
      '31536000': '1 Jahr',
      '': 'Kein Ablauf',
    },
    make: 'Token erstellen',
    chooseLifetime: 'Wählen Sie eine der Laufzeiten.',
    tokenNotFound: 'Dieses Token wurde nicht gefunden.',
    tokenRevoked: 'Das Token ist widerrufen. Es funktioniert nicht mehr.',
  },
  links: {
    setupTitle: (instance: string) => `${instance} einrichten`,
    setupIntro:
      'Willkommen. Diese Instanz hat noch kein Konto: Legen Sie den ersten Administrator an. ' +
      'Dieser Link funktioniert einmal.',
    username: 'Benutzername',
    emailOptional: 'E-Mail-Adresse (optional)',
    password: 'Passwort',
    passwordAgain: 'Passwort wiederholen',
    createAdmin: 'Administrator anlegen',
    deadTitle: 'Dieser Link funktioniert nicht',
    dead:
      'Dieser Link kann nicht verwendet werden: Er wurde schon benutzt, ist abgelaufen ' +
      'oder wurde durch einen neueren ersetzt.',
    deadSetup: (instance: string) =>
      html`Wenn ${instance} bereits eingerichtet ist, <a href="/login">melden Sie sich an</a>. Sonst starten Sie
<code>latchkey serve</code> neu: Solange es kein Konto gibt, gibt es einen neuen Einrichtungslink aus.`,
    deadReset: html`Bitten Sie einen Administrator um einen neuen Link, oder <a href="/login">melden Sie sich an</a>.`,
    resetTitle: 'Passwort wählen',
    resetIntro: (username: string) => html`Wählen Sie ein neues Passwort für <strong>${username}</strong>. Dieser Link
funktioniert einmal; danach ist jeder Browser, der mit Ihrem Konto angemeldet ist, abgemeldet.`,
    newPassword: 'Neues Passwort',
    newPasswordAgain: 'Neues Passwort wiederholen',
    setPassword: 'Passwort setzen',
    passwordSetTitle: 'Passwort gesetzt',
    passwordSet: (username: string) => html`Das Passwort von <strong>${username}</strong> ist gesetzt.`,
    signIn: 'Anmelden',
  },
}
