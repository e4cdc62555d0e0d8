// The view library, in one place: Preact's h and render, its hooks, and htm's tagged templates
// (html`<p>${text}</p>`): no build step, no eval, and every ${value} in a text position is
// escaped. Nothing in the console sets innerHTML (the CSP's Trusted Types would refuse it).
import { h, render, Fragment, createContext } from "../vendor/preact.module.js";
import {
  useState, useEffect, useMemo, useRef, useCallback, useContext, useReducer,
} from "../vendor/hooks.module.js";
import htm from "../vendor/htm.module.js";

export const html = htm.bind(h);
export {
  h, render, Fragment, createContext,
  useState, useEffect, useMemo, useRef, useCallback, useContext, useReducer,
};
