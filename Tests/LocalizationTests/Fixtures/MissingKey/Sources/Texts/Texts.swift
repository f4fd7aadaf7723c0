// A target whose Localization/ tables miss a key in tr.json: building it
// must fail, naming the key. The test writes this fixture's Package.swift.
package let greeting = TextKey.greeting
