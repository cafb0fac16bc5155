global using NUnit.Framework;
global using k8s;
