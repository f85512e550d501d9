/**
 * @module
 * English, the reference catalogue: its shape is `Messages`, so another language that misses a key
 * (or takes other parameters) fails the type check. Values are text, or functions that build text or
 * markup from parameters through `html` (every parameter escaped). OAuth error descriptions sent to
 * clients stay English and are not here: they are for developers.
 */
import { html } from '../safe-html.ts'

const b = (s: string) => html`<strong>${s}</strong>`

export const en = {
  language: 'English',
  layout: {
    signedInAs: (username: string) => html`Signed in as ${b(username)}`,
    signOut: 'Sign out',
    accountNav: 'Your account',
  },
  login: {
    title: 'Sign in',
    continueTo: (application: string) => html`Sign in to continue to ${b(application)}`,
    sentBackTo: (host: string) => html`Afterwards you will be sent back to ${b(host)}.`,
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    signedInNotice: (username: string) => html`You are signed in as ${b(username)}.`,
    continueToAccount: 'Continue to your account',
    signInAgain: 'Or sign in again, as yourself or someone else:',
    invalid: 'Invalid username or password.',
    limited: 'Too many failed sign-in attempts. Wait a few minutes and try again.',
    busy: 'Too many sign-ins at this moment. Try again in a few seconds.',
  },
  logout: {
    title: 'Sign out',
    signedInAs: (username: string) => html`Signed in as ${b(username)}.`,
    submit: 'Sign out',
    doneTitle: 'Signed out',
    done: (instance: string) => `You are signed out of ${instance}.`,
    signInAgain: 'Sign in again',
  },
  home: {
    intro: (instance: string) => `${instance} is an OAuth 2.0 and OpenID Connect provider.`,
    applications: 'Authorized applications',
    applicationsHint: 'see and revoke what you let applications do',
    device: 'Connect a device',
    deviceHint: 'enter the code a TV, command line or git helper shows',
    signIn: 'Sign in',
    signInHint: 'to see and revoke the applications you authorized, or to connect a device.',
  },
  consent: {
    title: 'Authorize access',
    wants: (application: string, username: string) =>
      html`${b(application)} wants to access your account ${b(username)}.`,
    willBeAble: 'It will be able to:',
    asksMore: 'It is asking for more access than you approved before. New:',
    alreadyApproved: 'Already approved:',
    sentBackTo: (host: string) => html`You will be sent back to ${b(host)}.`,
    approve: 'Approve',
    deny: 'Deny',
  },
  device: {
    entryTitle: 'Connect a device',
    entryIntro: 'Enter the code shown on your device.',
    code: 'Code',
    submit: 'Continue',
    wrongCode: 'That code is not valid. Check it and try again, or start again on your device.',
    confirmTitle: 'Authorize a device',
    wants: (application: string, username: string) =>
      html`${b(application)} on a device wants to access your account ${b(username)}.`,
    warning: (userCode: string) => html`Only continue if you started this on your own device just now
and the code ${b(userCode)} matches what it shows. Never approve a code someone sent you.`,
    approve: 'Approve',
    deny: 'Deny',
    connectedTitle: 'Device connected',
    connected: 'You can return to your device.',
    deniedTitle: 'Request denied',
    denied: 'The device was not given access.',
    notAllowedHint: `Its administrators have opened it only to members of certain groups. The device has been told no;
ask them to add you, or sign in with another account and start again on the device.`,
  },
  account: {
    applicationsTitle: 'Authorized applications',
    applicationsNav: 'Applications',
    groups: (groups: string[]) => `Your groups: ${groups.join(', ')}.`,
    noGroups: 'You belong to no group.',
    noApplications: 'You have not authorized any application.',
    revoke: 'Revoke',
    revoked: "Access revoked. The application's tokens no longer work.",
    nothingToRevoke: 'Nothing to revoke.',
  },
  errors: {
    cannotContinueTitle: 'Cannot continue',
    cannotContinue: (instance: string) =>
      `The application that sent you here made a request that ${instance} cannot accept. You can close this page.`,
    somethingWrong: 'Something went wrong.',
    formExpiredTitle: 'This form has expired',
    formExpired: (instance: string) => `${instance} did not act on this form: it was open too long, or it was sent
from another browser or session (for example after signing out). Nothing was changed.`,
    startAgain: 'Start again',
    notFoundTitle: 'Page not found',
    notFound: 'There is no page at this address.',
    home: 'Go to the home page',
    unavailableTitle: 'Temporarily unavailable',
    unavailable: (instance: string) => `${instance} cannot reach its database right now.`,
    unavailableHint: 'Nothing you did caused this. Wait a moment, then reload the page.',
    notAllowedTitle: 'Not allowed',
    notAllowed: (username: string, application: string) =>
      html`Your account ${b(username)} is not allowed to use ${b(application)}.`,
    notAllowedHint: `Its administrators have opened it only to members of certain groups. Ask them to add you,
or sign in with another account.`,
    backTo: (application: string) => `Back to ${application}`,
  },
}

/** A catalogue: English's keys and parameters (its strings are typed `string`), any language's words. */
export type Messages = typeof en
